// Tamper evidence for the audit log (docs/storage.md, docs/security.md): every row carries the
// SHA-256 of its content chained over the previous row's hash, so deleting or altering a row
// breaks the chain at the next row. Retention records where the chain now starts (audit_anchor),
// and every `checkpoint_every` rows (and at close) the newest row's id and hash are appended to a
// checkpoint file outside the database and logged (the journal), which catches rows deleted from
// the end. verify_audit_chain reports the first break; `hearthctl audit verify` runs it.
#pragma once

#include "store/sqlite.hpp"
#include "store/store_types.hpp"

#include <cstdint>
#include <filesystem>
#include <string>

namespace hearth {

/// Hex SHA-256 over `prev_hash` and the row's fields (length-prefixed, so no two rows collide).
std::string audit_row_hash(const std::string& prev_hash, const audit_record& r);

/// Appends "id hash ts\n" to the checkpoint file (created 0600). Returns false on I/O error.
bool append_audit_checkpoint(const std::filesystem::path& file, std::int64_t id, const std::string& hash,
                             std::int64_t ts);

struct audit_verify_result {
    bool ok = true;
    std::int64_t rows = 0;         ///< rows checked (chained)
    std::int64_t legacy_rows = 0;  ///< rows written before the chain existed (not covered)
    std::int64_t checkpoints = 0;  ///< checkpoint lines checked
    std::int64_t first_break = 0;  ///< id of the first row where the chain breaks (0 = none)
    std::string reason;            ///< what is wrong there, one line
};

/// Walks the chain in id order from the anchor and checks every checkpoint line (an absent
/// checkpoint file is fine: nothing to compare).
audit_verify_result verify_audit_chain(sqlite::db& db, const std::filesystem::path& checkpoint_file);

}  // namespace hearth
