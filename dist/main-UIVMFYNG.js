const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
import{$ as a,aa as b}from"./chunk-4QZWXTOZ.js";import"./chunk-PAW6FVY5.js";import"./chunk-PNRGKA2Q.js";export{a as createIO,b as run};
