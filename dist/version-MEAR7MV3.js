const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{a,b}from"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{b as USER_AGENT,a as VERSION};
