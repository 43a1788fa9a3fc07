export { waitFor, WaitForTimeoutError, type WaitForOptions } from "./waitFor.ts";
export { uniqueName } from "./names.ts";
export {
  consumeAll,
  createTopics,
  deleteTopics,
  kafkaBrokers,
  produce,
  testKafka,
  type ConsumeAllOptions,
  type ConsumedMessage,
  type CreateTopicsOptions,
} from "./kafka.ts";
export { deleteKeysByPrefix, redisUrl, testRedis } from "./redis.ts";
// The SMTP sink (maildev) lives with the rest of the dev infrastructure; tests reach it from here.
export {
  deleteAllEmails,
  listEmails,
  startMaildev,
  type MaildevEmail,
  type MaildevHandle,
} from "../../../infra/dev/smtp.ts";
export { createTestDatabase, pgAdminUrl } from "./postgres.ts";
export { freePort } from "./ports.ts";
export { firingAlertRecord, type FiringAlert } from "./alertRecords.ts";
