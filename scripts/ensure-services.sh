#!/usr/bin/env bash
# Start the local services the tests use, if they are not running already:
# PostgreSQL, Redis, RabbitMQ and Mosquitto (commands from shared/design/ENVIRONMENT.md).
set -u

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # port, name
  for _ in $(seq 1 60); do up "$1" && return 0; sleep 1; done
  echo "ensure-services: $2 did not come up on port $1" >&2
  return 1
}

if ! up 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  wait_for 5432 PostgreSQL
fi
if ! up 6379; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for 6379 Redis
fi
if ! up 5672; then
  rabbitmq-server -detached
  wait_for 5672 RabbitMQ
fi
if ! up 1883; then
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_for 1883 Mosquitto
fi
exit 0
