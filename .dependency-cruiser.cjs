/**
 * The house architecture, checked on every CI run (`npm run check:deps`): what may import what.
 * Domain packages hold pure logic behind narrow ports, so they never reach an I/O client; a service talks
 * to another through Kafka, Redis or HTTP, never by importing its code; and nothing goes round in a circle.
 */
const IO_CLIENTS = "(kafkajs|ioredis|bullmq|nodemailer|fastify|@fastify/.+|@bull-board/.+|pg|pino|prom-client|smtp-server|maildev)";
const DOMAIN = "^packages/(engine|contracts|explain|policy|simulator)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle makes load order matter and hides who owns what: break it by moving the shared part down.",
      from: {},
      to: { circular: true },
    },
    {
      name: "services-never-import-services",
      severity: "error",
      comment: "Services meet through topics, keys and HTTP; shared code belongs in packages/.",
      from: { path: "^services/([^/]+)/" },
      to: { path: "^services/", pathNot: "^services/$1/" },
    },
    {
      name: "packages-never-import-services",
      severity: "error",
      comment: "Packages sit below the services that use them.",
      from: { path: "^packages/" },
      to: { path: "^services/" },
    },
    {
      name: "domain-without-io",
      severity: "error",
      comment: "Domain packages are pure: I/O lives in adapters (packages/platform, the services).",
      from: { path: DOMAIN },
      to: { path: `node_modules/${IO_CLIENTS}/` },
    },
    {
      name: "domain-without-io-builtins",
      severity: "error",
      comment: "No sockets, processes or files from domain code either.",
      from: { path: DOMAIN, pathNot: "\\.test\\.ts$|/cli\\.ts$|/writeSchemas\\.ts$|/args\\.ts$" },
      to: { dependencyTypes: ["core"], path: "^(node:)?(net|http|https|http2|dgram|tls|child_process|cluster|fs|fs/promises)$" },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|\\.run)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".mjs", ".cjs", ".json"] },
  },
};
