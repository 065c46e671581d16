const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{a as o,b as r,c as m,d as p}from"./chunk-6HS4I36N.js";import"./chunk-ZHTYYO2N.js";import"./chunk-4QZWXTOZ.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{o as DINGTALK_LIMIT,p as dingtalk,m as dingtalkDeclaration,r as signDingTalk};
