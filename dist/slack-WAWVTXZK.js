const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{a as o,b as r,c as m,d as p,e as t}from"./chunk-S2WM7MHD.js";import"./chunk-CJU4JXO4.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{r as SLACK_SECTION_LIMIT,o as escapeSlack,t as slack,m as slackBody,p as slackDeclaration};
