#!/usr/bin/env node
const require=process.getBuiltinModule('node:module').createRequire(import.meta.url);
process.stdout.on("error",o=>{o.code==="EPIPE"&&process.exit(process.exitCode??0)});async function t(o){try{return await o()}catch(e){let r=e.code==="ERR_MODULE_NOT_FOUND";process.stderr.write(r?`workflow-notify: a part of the program is missing beside ${process.argv[1]??"index.js"}: copy the whole dist/ folder, not index.js alone.
`:`workflow-notify: cannot start: ${e.message}
`),process.exit(1)}}var s=process.argv.slice(2);if(s.length===1&&(s[0]==="--version"||s[0]==="-v")){let{VERSION:o}=await t(()=>import("./version-MEAR7MV3.js"));process.stdout.write(`${o}
`)}else{let{createIO:o,run:e}=await t(()=>import("./main-UIVMFYNG.js")),r=o(process.env,i=>process.stdout.write(i));process.exitCode=await e(r,{argv:s}),process.stdout.write("",()=>process.exit())}
