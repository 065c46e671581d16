const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{a as o,b as r,c as m,d as p,e as t}from"./chunk-F55P45IS.js";import"./chunk-4QZWXTOZ.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{r as SLACK_SECTION_LIMIT,o as escapeSlack,t as slack,m as slackBody,p as slackDeclaration};
