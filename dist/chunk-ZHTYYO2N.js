const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
function r(e){return e.replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/>/g,"&gt;").replace(/([\\`*_[\]~|])/g,"\\$1").replace(/^(\s*)([-+#]|\d+\.)/gm,"$1\\$2")}export{r as a};
