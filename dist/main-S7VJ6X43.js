const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{$ as b,_ as a}from"./chunk-6NHEKJFS.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{a as createIO,b as run};
