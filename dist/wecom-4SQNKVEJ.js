const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{a as o,b as r,c as m,d as p,e as t}from"./chunk-CNC5XATU.js";import"./chunk-ZHTYYO2N.js";import"./chunk-6NHEKJFS.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{o as WECOM_MARKDOWN_LIMIT,r as WECOM_TEXT_LIMIT,t as wecom,p as wecomDeclaration,m as wecomMarkdown};
