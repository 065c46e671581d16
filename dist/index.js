#!/usr/bin/env node
import{createRequire as __wnRequire}from'node:module';const require=__wnRequire(import.meta.url);
import{a as s}from"./chunk-6TGNMJFV.js";import"./chunk-NVJN54T6.js";process.stdout.on("error",o=>{o.code==="EPIPE"&&process.exit(process.exitCode??0)});var r=process.argv.slice(2);if(r.length===1&&(r[0]==="--version"||r[0]==="-v"))process.stdout.write(`${s}
`);else{let o;try{o=await Promise.all([import("./io-K7FPPLDZ.js"),import("./main-2HS6RU33.js")])}catch(e){let c=e.code==="ERR_MODULE_NOT_FOUND";process.stderr.write(c?`workflow-notify: a part of the program is missing beside ${process.argv[1]??"index.js"}: copy the whole dist/ folder, not index.js alone.
`:`workflow-notify: cannot start: ${e.message}
`),process.exit(1)}let[{createIO:t},{run:i}]=o,n=t(process.env,e=>process.stdout.write(e));process.exitCode=await i(n,{argv:r}),process.stdout.write("",()=>process.exit())}
