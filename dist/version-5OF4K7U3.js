import{createRequire as __wnRequire}from'node:module';const require=__wnRequire(import.meta.url);
import{a,b}from"./chunk-UWANX5DL.js";import"./chunk-NVJN54T6.js";export{b as USER_AGENT,a as VERSION};
