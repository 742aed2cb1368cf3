// autocannon ships no types; the little of its API the load worker uses.
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  type RequestParams = { method?: string; path?: string; headers?: Record<string, string>; body?: string };

  export type Options = {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
    timeout?: number;
    requests?: Array<RequestParams & { setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams }>;
  };

  export type Result = { errors: number; timeouts: number; non2xx: number; requests: { total: number; average: number } };

  type Instance = EventEmitter & PromiseLike<Result> & { stop(): void };

  export default function autocannon(options: Options): Instance;
}
