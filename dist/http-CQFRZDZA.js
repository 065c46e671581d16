import{createRequire as __wnRequire}from'node:module';const require=__wnRequire(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-SWG2GKDW.js";import"./chunk-UWANX5DL.js";import"./chunk-24WCBGCF.js";import"./chunk-NVJN54T6.js";export{a as fetchOnce,f as judgeHttp,d as parseRetryAfter,g as realClock,c as secretsOfRequest,e as snippet,b as useProxyFromEnv,h as withRetry};
