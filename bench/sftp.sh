#!/usr/bin/env bash
# SFTP throughput: the harness's ssh backend (libssh2) against OpenSSH's sftp client, 1 GiB
# each way over loopback to a throwaway sshd, alternating, RUNS times; medians and ratios.
# Goal: >= 0.8 x sftp each way. Then the same through the fault proxy, once without faults
# (its overhead) and once with a reset every ~RESET_MB MB (retries, resume, byte-identical).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
BENCH=${BENCH:-build/bench/bench_storage_transfer}
RUNS=${RUNS:-3}
MB=${MB:-1024}
work=$(mktemp -d /tmp/tellus-bench-sftp.XXXX)
port=${PORT:-22122}
tests/fixtures/ssh/start-sshd.sh "$work/sshd" "$port"
trap 'kill $(cat "$work/sshd/sshd.pid") 2>/dev/null; rm -rf "$work"' EXIT
head -c $((MB << 20)) /dev/urandom > "$work/data.bin"
config="{\"type\":\"ssh\",\"host\":\"127.0.0.1\",\"port\":$port,\"user\":\"$(id -un)\",\"identity_file\":\"$work/sshd/id_ed25519\",\"known_hosts\":\"$work/sshd/known_hosts\"}"
sftp_opts=(-q -P "$port" -i "$work/sshd/id_ed25519" -o "UserKnownHostsFile=$work/sshd/known_hosts" -o BatchMode=yes)
: > "$work/ours.put"; : > "$work/ours.get"; : > "$work/other.put"; : > "$work/other.get"
for run in $(seq 1 "$RUNS"); do
  run_ours ssh "$work/sshd/remote" "$config" "$work/data.bin" "$work"
  t0=$(now); echo "put $work/data.bin $work/sshd/remote/sftp.bin" | sftp "${sftp_opts[@]}" -b - "$(id -un)@127.0.0.1" >/dev/null; t1=$(now)
  echo "$MB / ($t1 - $t0)" | bc -l >> "$work/other.put"
  t0=$(now); echo "get $work/sshd/remote/sftp.bin $work/back.bin" | sftp "${sftp_opts[@]}" -b - "$(id -un)@127.0.0.1" >/dev/null; t1=$(now)
  echo "$MB / ($t1 - $t0)" | bc -l >> "$work/other.get"
  rm -f "$work/sshd/remote/sftp.bin" "$work/back.bin"
done
print_ratios ssh 'OpenSSH sftp' "$MB" "$work"
run_through_proxy ssh "$work/sshd/remote" "$config" "$work/data.bin" "$work"
