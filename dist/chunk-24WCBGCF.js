import{createRequire as __wnRequire}from'node:module';const require=__wnRequire(import.meta.url);
import{a as r,b as i}from"./chunk-NVJN54T6.js";var o=i((p,e)=>{e.exports=r("node:http")});export{o as a};
