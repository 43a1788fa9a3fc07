// The snapshot lives in the engine (the notifier's digests rank accounts with it too); the replay keeps
// importing it from here.
export { takeSnapshot, type Snapshot, type SnapshotAccount, type SnapshotAlert } from "@churnwatch/engine";
