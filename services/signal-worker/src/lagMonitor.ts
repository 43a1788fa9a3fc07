import type { Admin } from "kafkajs";
import type { Logger } from "@churnwatch/platform";

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Measures the consumer group's lag from the broker (committed offsets against high watermarks), for the
 * whole group rather than this instance alone: "caught up with the present" is a property of the group.
 */
export function createLagMonitor(deps: { admin: Admin; groupId: string; topics: string[]; maxLag: number; logger: Logger }) {
  let last: PartitionLag[] | undefined;

  async function measure(): Promise<PartitionLag[]> {
    const committed = await deps.admin.fetchOffsets({ groupId: deps.groupId, topics: deps.topics });
    const lags: PartitionLag[] = [];
    for (const topic of deps.topics) {
      const ends = await deps.admin.fetchTopicOffsets(topic);
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const at = Number(mine.find((p) => p.partition === end.partition)?.offset ?? "-1");
        const high = Number(end.high);
        const low = Number(end.low);
        // No commit yet means everything from the log start is still to read.
        lags.push({ topic, partition: end.partition, lag: Math.max(0, high - (at >= 0 ? at : low)) });
      }
    }
    last = lags;
    return lags;
  }

  return {
    measure,
    lastMeasured: () => last,
    totalLag: () => (last ? last.reduce((sum, p) => sum + p.lag, 0) : Number.POSITIVE_INFINITY),
    /** Unknown counts as behind: nothing may notify before the first measurement. */
    isCaughtUp: () => last !== undefined && last.reduce((sum, p) => sum + p.lag, 0) <= deps.maxLag,
  };
}

export type LagMonitor = ReturnType<typeof createLagMonitor>;
