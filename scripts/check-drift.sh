#!/usr/bin/env bash
# Fails when a generated or derived artifact no longer matches its source:
#   1. schema.graphql       vs the Pothos schema in src/schema       (fix: npm run schema:print)
#   2. examples/gql/        vs schema.graphql + examples/**/*.ts      (fix: npm run codegen)
#   3. prisma/migrations/   vs prisma/schema.prisma                   (fix: npx prisma migrate dev --name <change>)
# Every check runs, so one run reports every drift. Needs no database: the migrations are replayed
# into an in-memory PGlite through the offline schema engine (see ../shared/docs/PRISMA-OFFLINE.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
failures=()

echo "== 1/3 schema.graphql matches src/schema"
if ! npm run --silent schema:check; then
  failures+=("schema.graphql is stale: run \`npm run schema:print\` and commit it")
fi

echo "== 2/3 examples/gql matches a fresh codegen"
# Compared with the tree as it is on disk (in CI: the commit), not with git, so it also holds before a
# commit; regenerating into an emptied directory also catches stale files codegen no longer writes.
snapshot="$(mktemp -d)"
trap 'rm -rf "$snapshot"' EXIT
if [[ -d examples/gql ]]; then cp -a examples/gql "$snapshot/gql"; else mkdir "$snapshot/gql"; fi
rm -rf examples/gql
if ! codegen_log="$(npm run --silent codegen 2>&1)"; then
  echo "$codegen_log" >&2
  rm -rf examples/gql && cp -a "$snapshot/gql" examples/gql
  failures+=("codegen failed (see above)")
elif ! diff -rq "$snapshot/gql" examples/gql >&2; then
  # Generated lines are long (inlined documents): show the start of the diff, trimmed.
  diff -ru "$snapshot/gql" examples/gql | cut -c1-200 | head -n 60 >&2 || true
  failures+=("examples/gql was stale and has been regenerated: review and commit it (npm run codegen)")
else
  echo "examples/gql is up to date."
fi

echo "== 3/3 prisma/migrations match prisma/schema.prisma"
# prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at the offline engine when ../shared has it;
# PGLITE_DIR=memory:// makes that engine replay the migrations into PGlite in memory.
set +e
PGLITE_DIR=memory:// \
  npx prisma migrate diff --from-migrations prisma/migrations --to-schema prisma/schema.prisma --exit-code
status=$?
set -e
case "$status" in
  0) ;;
  2) failures+=("prisma/schema.prisma has changes no migration covers (listed above): run \`npx prisma migrate dev --name <change>\`") ;;
  *) failures+=("prisma migrate diff failed (exit $status)") ;;
esac

if ((${#failures[@]})); then
  echo >&2
  echo "Drift found:" >&2
  printf '  - %s\n' "${failures[@]}" >&2
  exit 1
fi
echo "No drift."
