// Runs before `npm test`: stops at once, in one line, when the node running the scripts is too old.
// `npm ci` normally puts Node 24 (the `node` devDependency) first on the scripts' PATH.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `workflow-notify needs Node 24 for its tests, but npm scripts run node ${process.version}: run \`npm ci\` with install scripts allowed (it puts Node 24 in node_modules/.bin), or use Node 24 (\`nvm use\`).`,
  );
  process.exit(1);
}
