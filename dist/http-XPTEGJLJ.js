const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{o,p as r,q as m,r as p,s as t,t as e,u as f,v as i}from"./chunk-6NHEKJFS.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{o as fetchOnce,e as judgeHttp,p as parseRetryAfter,f as realClock,m as secretsOfRequest,t as snippet,r as useProxyFromEnv,i as withRetry};
