const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{o,p as r,q as m,r as p,s as t,t as e,u as f,v as i,w as x}from"./chunk-4QZWXTOZ.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{r as fetchOnce,f as judgeHttp,t as parseRetryAfter,i as realClock,o as retryPolicy,p as secretsOfRequest,e as snippet,m as useProxyFromEnv,x as withRetry};
