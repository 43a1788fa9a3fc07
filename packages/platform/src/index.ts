export * from "./logger.ts";
export * from "./env.ts";
export * from "./shutdown.ts";
export * from "./main.ts";
export * from "./dependencies.ts";
export * from "./loop.ts";
export * from "./kafka.ts";
export * from "./opsServer.ts";
