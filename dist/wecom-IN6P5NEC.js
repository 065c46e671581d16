const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{a as o,b as r,c as m,d as p,e as t}from"./chunk-7PLRTR3R.js";import"./chunk-ZHTYYO2N.js";import"./chunk-4QZWXTOZ.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{o as WECOM_MARKDOWN_LIMIT,r as WECOM_TEXT_LIMIT,t as wecom,p as wecomDeclaration,m as wecomMarkdown};
