#!/usr/bin/env bash
# ops/deny.sh: the supply-chain checks of deny.toml, non-interactively (.ci/run calls it).
#
#   1. cargo deny check licenses bans sources
#      licences compatible with AGPL-3.0-or-later, no duplicate versions of crypto crates,
#      no RSA code, crates from crates.io only.
#   2. cargo deny --offline check advisories, against the RustSec snapshot in
#      ../shared/advisory-db (beside the checkout) when it is there; skipped with a banner
#      otherwise. Nothing is ever fetched: the snapshot is copied into target/advisory-db as the
#      git repository cargo-deny expects, committed at the snapshot's own date.
#
# cargo-deny is installed with `cargo install --locked` when missing (about 2 minutes on 2 cores).
# Environment: TELEDERM_ADVISORY_DB=DIR uses another plain-tree snapshot.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

CARGO_DENY_VERSION=0.20.2
SNAPSHOT="${TELEDERM_ADVISORY_DB:-$REPO_ROOT/../shared/advisory-db}"
# cargo-deny's folder name for https://github.com/rustsec/advisory-db (name + hash of the URL).
DB_DIR="$REPO_ROOT/target/advisory-db/advisory-db-3157b0e258782691"

if ! cargo deny --version >/dev/null 2>&1; then
    echo "ops/deny.sh: installing cargo-deny $CARGO_DENY_VERSION" >&2
    cargo install --locked --quiet cargo-deny --version "$CARGO_DENY_VERSION"
fi

cargo deny --locked check licenses bans sources

if [ ! -d "$SNAPSHOT" ]; then
    echo "== ops/deny.sh: advisories SKIPPED: no snapshot at $SNAPSHOT ==" >&2
    exit 0
fi
snapshot_line="$(head -n 1 "$SNAPSHOT/SNAPSHOT.md" 2>/dev/null || echo "undated snapshot")"
snapshot_date="$(grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' <<<"$snapshot_line" | head -n 1 || true)"
rm -rf "$DB_DIR"
mkdir -p "$DB_DIR"
cp -R "$SNAPSHOT/." "$DB_DIR/"
(
    cd "$DB_DIR"
    export GIT_AUTHOR_NAME=snapshot GIT_AUTHOR_EMAIL=snapshot@localhost
    export GIT_COMMITTER_NAME=snapshot GIT_COMMITTER_EMAIL=snapshot@localhost
    if [ -n "$snapshot_date" ]; then
        export GIT_AUTHOR_DATE="${snapshot_date}T00:00:00Z" GIT_COMMITTER_DATE="${snapshot_date}T00:00:00Z"
    fi
    git init --quiet --initial-branch=main
    git add --all
    git commit --quiet --no-gpg-sign --message "RustSec advisory-db snapshot"
)
echo "ops/deny.sh: advisories against $snapshot_line" >&2
cargo deny --locked --offline check advisories
