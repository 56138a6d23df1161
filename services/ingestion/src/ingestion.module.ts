import { Module } from '@nestjs/common';

/** The ingestion service's HTTP surface is health and metrics; its API is gRPC and Kafka. */
@Module({})
export class IngestionHttpModule {}
