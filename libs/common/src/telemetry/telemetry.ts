import { NodeSDK } from '@opentelemetry/sdk-node';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

let started: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing once per process, with the exporter chosen by config.
 * 'none' (the default) starts nothing, so there is no cost unless asked for.
 */
export function startTelemetry(serviceName: string, exporter: 'none' | 'console' | 'otlp', otlpEndpoint?: string): NodeSDK | undefined {
  if (exporter === 'none' || started) return started;
  const traceExporter: SpanExporter = exporter === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter({ url: otlpEndpoint });
  started = new NodeSDK({ serviceName, traceExporter });
  started.start();
  return started;
}

export async function stopTelemetry() {
  const sdk = started;
  started = undefined;
  await sdk?.shutdown();
}
