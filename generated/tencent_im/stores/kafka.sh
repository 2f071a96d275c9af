#!/bin/sh
# Kafka topic retention: run with KAFKA_BOOTSTRAP=host:port sh stores/kafka.sh
# (KAFKA_CONFIGS overrides the path of kafka-configs.sh; extra arguments such as
# --command-config FILE are passed on).
#
# A record is kept at least retention.ms and at most retention.ms + segment.ms, since the
# active segment is never deleted; the broker checks every log.retention.check.interval.ms.
set -eu
: "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP to host:port}"
KAFKA_CONFIGS="${KAFKA_CONFIGS:-kafka-configs.sh}"

# im_log_data (log_data): 7 days, tolerance 1 day.
# worst case 691200000 ms (8 days) after the write, plus the broker's retention check interval (5 min by default).
"$KAFKA_CONFIGS" --bootstrap-server "$KAFKA_BOOTSTRAP" "$@" --alter --entity-type topics --entity-name 'im_log_data' --add-config 'cleanup.policy=delete,retention.ms=604800000,segment.ms=86400000'

# im_monitoring_data (monitoring_data): 2 days, tolerance 1 hour.
# worst case 176400000 ms (2 days 1 hour) after the write, plus the broker's retention check interval (5 min by default).
"$KAFKA_CONFIGS" --bootstrap-server "$KAFKA_BOOTSTRAP" "$@" --alter --entity-type topics --entity-name 'im_monitoring_data' --add-config 'cleanup.policy=delete,retention.ms=172800000,segment.ms=3600000'
