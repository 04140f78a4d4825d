#!/usr/bin/env bash
# Base backups and point-in-time restore of the cluster infra/postgres/postgres.sh runs, with
# PostgreSQL's own tools (pg_basebackup, pg_verifybackup, the WAL archive, recovery.signal).
# See infra/postgres/README.md and docs/backup-and-restore.md, or run: infra/postgres/backup.sh help
set -euo pipefail

# postgres.sh defines the cluster's settings and functions when sourced, and runs nothing.
# shellcheck source=infra/postgres/postgres.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/postgres.sh"
SELF_BACKUP="$SCRIPT_DIR/backup.sh"
log() { printf 'backup.sh: %s\n' "$*" >&2; }
PG_RESTORE_TIMEOUT="${PG_RESTORE_TIMEOUT:-600}"

backup_usage() {
  cat <<USAGE
Usage: infra/postgres/backup.sh COMMAND [ARGS...]

Commands (same environment as postgres.sh: PG_PORT, PG_STATE_DIR, PG_WAL_ARCHIVE, ...):
  backup [DIR]   pg_basebackup of the running server into DIR (plain format, WAL
                 included, a manifest, --checkpoint=fast), then pg_verifybackup.
                 DIR must not exist yet [\$PG_STATE_DIR/backups/base-<UTC time>].
                 Prints DIR on stdout.
  restore BACKUP_DIR [--target-time T] [--target-timeline N]
                 pg_verifybackup BACKUP_DIR, stop the server, move the data dir
                 aside (data.before-restore-<UTC time>, never deleted), copy the
                 backup in, set restore_command (from the WAL archive) and, with
                 --target-time, recovery_target_time=T and
                 recovery_target_action=promote; create recovery.signal, start,
                 wait until recovery has ended and the server accepts writes.
                 Without --target-time: every archived transaction comes back.
                 Recovery follows the newest timeline in the archive (each
                 restore makes one); --target-timeline N follows timeline N,
                 e.g. 1 to go back to the history before an earlier restore.
  switch-wal     Close the current WAL segment (pg_switch_wal) and wait until the
                 archive holds it: everything committed so far can be restored.
  archive-cleanup BACKUP_DIR
                 Remove archived WAL older than BACKUP_DIR's start
                 (pg_archivecleanup): backups older than it can then no longer
                 be restored past their own end.
  help           This text.

  PG_RESTORE_TIMEOUT  seconds to wait for recovery to end     [600]
USAGE
}

utc_stamp() { date -u +%Y%m%dT%H%M%SZ; }
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%03d s' $(( ms / 1000 )) $(( ms % 1000 )); }

# psql as the cluster's superuser over the unix socket (peer auth), one value per line.
admin_sql() {
  as_pg "$PG_BINDIR/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h "$STATE_DIR" -p "$PG_PORT" \
    -U "$(pg_os_user)" -d postgres -c "$1"
}

require_running() {
  resolve_state_dir
  is_running || die "not running (start it with: $SELF start)"
  [[ "$(running_port)" == "$PG_PORT" ]] || die "the server for $PGDATA runs on port $(running_port), not PG_PORT=$PG_PORT"
}

# Create DIR (not there yet) for the server user, who writes the backup.
new_dir_for_pg() {
  local dir="$1"
  [[ ! -e "$dir" ]] || die "$dir already exists; a backup goes into a new directory"
  reachable_by_pg "$dir" || die "$dir is not reachable by OS user '$(pg_os_user)' (every parent dir needs o+x)"
  mkdir -p "$dir"
  chmod 700 "$dir"
  if is_root; then chown "$PG_OS_USER_ROOT:" "$dir"; fi
}

cmd_backup() {
  require_running
  local dir t0 t1
  dir="$(realpath -m "${1:-$STATE_DIR/backups/base-$(utc_stamp)}")"
  [[ -d "$STATE_DIR/backups" ]] || { mkdir -p "$STATE_DIR/backups"; chmod 700 "$STATE_DIR/backups"; }
  if is_root; then chown "$PG_OS_USER_ROOT:" "$STATE_DIR/backups"; fi
  new_dir_for_pg "$dir"
  t0="$(now_ms)"
  log "pg_basebackup -D $dir -Fp -X stream --checkpoint=fast (manifest with CRC32C checksums)"
  as_pg "$PG_BINDIR/pg_basebackup" -h "$STATE_DIR" -p "$PG_PORT" -U "$(pg_os_user)" -D "$dir" \
    -Fp -X stream --checkpoint=fast --label="backbone $(utc_stamp)" --manifest-checksums=CRC32C \
    || die "pg_basebackup failed"
  log "base backup taken in $(seconds_since "$t0") ($(du -sh "$dir" | cut -f1))"
  t1="$(now_ms)"
  as_pg "$PG_BINDIR/pg_verifybackup" -q "$dir" || die "pg_verifybackup found $dir damaged"
  log "pg_verifybackup: $dir is intact ($(seconds_since "$t1")); $(grep "^START TIME:" "$dir/backup_label")"
  echo "$dir"
}

cmd_switch_wal() {
  require_running
  local segment deadline=$(( SECONDS + 60 ))
  # The last byte of the segment just closed: if nothing was written since the last switch,
  # that is the previous segment, which is already complete.
  segment="$(admin_sql "SELECT pg_walfile_name(pg_switch_wal() - 1)")"
  until as_pg test -f "$WAL_ARCHIVE/$segment"; do
    (( SECONDS < deadline )) || die "segment $segment not archived after 60 s (see $LOGFILE and pg_stat_archiver)"
    sleep 0.05
  done
  log "WAL segment $segment is in $WAL_ARCHIVE"
}

cmd_archive_cleanup() {
  local backup="${1:?usage: $SELF_BACKUP archive-cleanup BACKUP_DIR}" first
  resolve_state_dir
  resolve_bindir
  first="$(sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]*\))$/\1/p' "$backup/backup_label")"
  [[ -n "$first" ]] || die "no START WAL LOCATION in $backup/backup_label"
  as_pg "$PG_BINDIR/pg_archivecleanup" "$WAL_ARCHIVE" "$first"
  log "removed archived WAL before $first from $WAL_ARCHIVE"
}

# When BACKUP_DIR's backup ended, to the second: the STOP TIME of its history file in the archive
# (<start segment>.<offset>.backup), or its START TIME if that file is gone.
backup_end_time() {
  local label="$1/backup_label" start segment offset history
  start="$(sed -n 's/^START WAL LOCATION: [0-9A-F]*\/\([0-9A-F]*\) (file \([0-9A-F]*\))$/\2 \1/p' "$label")"
  read -r segment offset <<<"$start"
  history="$WAL_ARCHIVE/$segment.$(printf '%08X' $(( 16#$offset % (16 * 1024 * 1024) ))).backup"
  if [[ -f "$history" ]]; then
    sed -n 's/^STOP TIME: //p' "$history"
  else
    sed -n 's/^START TIME: //p' "$label"
  fi
}

# PostgreSQL replays the whole backup before it looks at a target time, so a target before the
# backup's end silently becomes the end: refuse it instead.
check_target_time() {
  local backup="$1" target="$2" ended target_s ended_s
  ended="$(backup_end_time "$backup")"
  target_s="$(date -u -d "$target" +%s 2>/dev/null)" || { log "note: cannot read '$target' to compare with the backup's end ($ended)"; return 0; }
  ended_s="$(date -u -d "$ended" +%s)"
  (( target_s >= ended_s )) || die "target $target is before this backup ended ($ended); restore an older backup"
  (( target_s > ended_s )) || log "note: the backup ended at $ended (to the second); a target within that second may restore a little later than asked"
}

# Wait until the server has left recovery and takes a write (txid_current assigns a transaction id).
wait_recovered() {
  local deadline=$(( SECONDS + PG_RESTORE_TIMEOUT ))
  until [[ "$(admin_sql "SELECT pg_is_in_recovery()" 2>/dev/null || true)" == f ]]; do
    as_pg "$PG_BINDIR/pg_ctl" status -D "$PGDATA" >/dev/null 2>&1 \
      || { tail -n 30 "$LOGFILE" >&2; die "the server stopped during recovery (log: $LOGFILE)"; }
    (( SECONDS < deadline )) || { tail -n 30 "$LOGFILE" >&2; die "still recovering after ${PG_RESTORE_TIMEOUT}s (log: $LOGFILE)"; }
    sleep 0.1
  done
  admin_sql "SELECT txid_current()" >/dev/null || die "recovered, but the server refuses a write"
}

cmd_restore() {
  local backup="" target="" timeline=""
  while (( $# )); do
    case "$1" in
      --target-time) target="${2:?--target-time needs a time, e.g. '2026-12-04 18:30:00+00'}"; shift 2 ;;
      --target-time=*) target="${1#*=}"; shift ;;
      --target-timeline) timeline="${2:?--target-timeline needs a timeline id, e.g. 1}"; shift 2 ;;
      --target-timeline=*) timeline="${1#*=}"; shift ;;
      -*) die "unknown option $1" ;;
      *) [[ -z "$backup" ]] || die "one BACKUP_DIR only"; backup="$1"; shift ;;
    esac
  done
  [[ -n "$backup" ]] || die "usage: $SELF_BACKUP restore BACKUP_DIR [--target-time T] [--target-timeline N]"
  [[ -z "$timeline" || "$timeline" =~ ^[0-9]+$ ]] || die "--target-timeline takes a number, not $timeline"
  backup="$(realpath -m "$backup")"
  [[ -f "$backup/backup_manifest" && -f "$backup/PG_VERSION" ]] || die "$backup is not a plain-format base backup"
  local t0 t1 aside log_from
  t0="$(now_ms)"
  resolve_state_dir
  take_lock
  ensure_state_dir
  resolve_bindir
  as_pg "$PG_BINDIR/pg_verifybackup" -q "$backup" || die "pg_verifybackup found $backup damaged; not restoring it"
  log "pg_verifybackup: $backup is intact"
  if [[ -n "$target" ]]; then check_target_time "$backup" "$target"; fi
  if is_running; then
    as_pg "$PG_BINDIR/pg_ctl" stop -m fast -w -t "$PG_START_TIMEOUT" -D "$PGDATA" >/dev/null
    log "stopped the server"
  fi
  if [[ -e "$PGDATA" ]]; then
    aside="$STATE_DIR/data.before-restore-$(utc_stamp)"
    while [[ -e "$aside" ]]; do aside="$aside+"; done   # two restores within a second
    mv -T -- "$PGDATA" "$aside"
    log "moved the old data dir aside to $aside (not deleted)"
  else
    log "no data dir at $PGDATA (lost); restoring into a new one"
  fi
  t1="$(now_ms)"
  as_pg cp -a -- "$backup" "$PGDATA"
  as_pg rm -f -- "$PGDATA/backup_manifest"
  as_pg chmod 700 "$PGDATA"
  resolve_bindir   # the binaries of the backup's major version
  log "copied the base backup into $PGDATA in $(seconds_since "$t1")"
  local recovery=("restore_command = 'cp \"$WAL_ARCHIVE/%f\" \"%p\"'")
  if [[ -n "$target" ]]; then
    recovery+=("recovery_target_time = '$target'" "recovery_target_action = 'promote'")
    log "recovering to $target from the WAL in $WAL_ARCHIVE"
  else
    log "recovering every transaction the WAL archive $WAL_ARCHIVE holds"
  fi
  if [[ -n "$timeline" ]]; then
    recovery+=("recovery_target_timeline = '$timeline'")
    log "following timeline $timeline (not the newest one in the archive)"
  fi
  write_config "# Recovery settings, written by backup.sh restore at $(utc_stamp); the next start drops them." \
    "${recovery[@]}"
  as_pg touch "$PGDATA/recovery.signal"
  log_from=$(( $(wc -l <"$LOGFILE") + 1 ))
  t1="$(now_ms)"
  as_pg "$PG_BINDIR/pg_ctl" start -D "$PGDATA" -l "$LOGFILE" >/dev/null \
    || { tail -n 30 "$LOGFILE" >&2; die "pg_ctl start failed (log: $LOGFILE)"; }
  wait_recovered
  log "recovery ended and the server accepts writes, in $(seconds_since "$t1")"
  tail -n "+$log_from" "$LOGFILE" | grep -E 'recovery stopping|last completed transaction|selected new timeline' \
    | sed 's/^/  server: /' >&2 || true
  ensure_role_and_db
  release_lock
  log "restored $backup${target:+ to $target} at $(url) in $(seconds_since "$t0")"
}

backup_main() {
  local cmd="${1:-help}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    backup)          cmd_backup "$@" ;;
    restore)         cmd_restore "$@" ;;
    switch-wal)      cmd_switch_wal ;;
    archive-cleanup) cmd_archive_cleanup "$@" ;;
    help|-h|--help)  backup_usage ;;
    *) backup_usage >&2; exit 2 ;;
  esac
}

backup_main "$@"
