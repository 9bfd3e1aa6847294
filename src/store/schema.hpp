// The store's schema as an ordered list of migration steps and the runner that applies them.
// Version = PRAGMA user_version. Each step runs in its own IMMEDIATE transaction together with the
// user_version bump, so a failed step rolls back and leaves the previous version intact. A file
// with a newer version than the code knows is refused, never reset.
#pragma once

#include "store/sqlite.hpp"
#include "store/store_types.hpp"

#include <vector>

namespace hearth::store_schema {

/// The built-in steps, versions 1..N in order. v1 is the original schema (kept verbatim so that
/// tests can build a v1 file by hand).
const std::vector<migration>& builtin_migrations();

/// SQL of the version-1 schema (exposed for tests that create an old database by hand).
const char* v1_sql();

/// Result of apply(): version found and version reached.
struct migrate_result {
    int from = 0;
    int to = 0;
};

/// Apply built-in then `extra` steps above the current user_version.
/// Throws sqlite::error (code preserved) naming the failing step: "migration 4 (name) failed: ...".
/// Throws schema_too_new if the file's version exceeds the last known step.
migrate_result apply(sqlite::db& conn, const std::vector<migration>& extra);

/// Thrown when the file's schema is newer than this build understands.
class schema_too_new : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown when a migration step fails; the database stays at the previous version.
class migration_failed : public std::runtime_error {
public:
    migration_failed(const std::string& what, int step, int sqlite_code)
        : std::runtime_error(what), step_(step), code_(sqlite_code) {}
    int step() const noexcept { return step_; }
    int sqlite_code() const noexcept { return code_; }

private:
    int step_;
    int code_;
};

}  // namespace hearth::store_schema
