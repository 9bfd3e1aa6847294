// Hash chain over audit rows and its verification (see audit_chain.hpp).
#include "store/audit_chain.hpp"

#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

namespace hearth {
namespace {

void field(std::string& out, const std::string& v) {
    out += std::to_string(v.size());
    out += ':';
    out += v;
    out += '\n';
}

std::string hex(const unsigned char* p, unsigned n) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * static_cast<std::size_t>(n));
    for (unsigned i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 0xf];
    }
    return s;
}

}  // namespace

std::string audit_row_hash(const std::string& prev_hash, const audit_record& r) {
    std::string text = "hearth-audit-v1\n";
    field(text, prev_hash);
    field(text, std::to_string(r.ts));
    field(text, r.actor);
    field(text, r.source);
    field(text, r.action);
    field(text, r.target);
    field(text, r.result);
    field(text, r.detail.is_string() ? r.detail.get<std::string>() : r.detail.dump());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
    return hex(md, len);
}

bool append_audit_checkpoint(const std::filesystem::path& file, std::int64_t id, const std::string& hash,
                             std::int64_t ts) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const std::string line = std::to_string(id) + " " + hash + " " + std::to_string(ts) + "\n";
    const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

audit_verify_result verify_audit_chain(sqlite::db& db, const std::filesystem::path& checkpoint_file) {
    audit_verify_result r;
    auto fail = [&](std::int64_t id, std::string why) {
        if (!r.ok) return;
        r.ok = false;
        r.first_break = id;
        r.reason = std::move(why);
    };
    std::string expected_prev;
    {
        auto anchor = db.prepare("SELECT prev_hash FROM audit_anchor WHERE k = 1");
        if (anchor.step()) expected_prev = anchor.column_text(0);
    }
    std::map<std::int64_t, std::string> hashes;  // id -> stored hash, for the checkpoints
    std::int64_t first_id = 0;
    bool chained = false;
    auto rows = db.prepare(
        "SELECT id, ts, actor, source, action, target, result, detail, prev_hash, hash FROM audit_log ORDER BY id");
    while (rows.step()) {
        const std::int64_t id = rows.column_int64(0);
        if (first_id == 0) first_id = id;
        const std::string prev = rows.column_text(8);
        const std::string stored = rows.column_text(9);
        if (stored.empty() && !chained) {
            ++r.legacy_rows;  // written before migration 6: not covered
            continue;
        }
        chained = true;
        ++r.rows;
        audit_record rec;
        rec.ts = rows.column_int64(1);
        rec.actor = rows.column_text(2);
        rec.source = rows.column_text(3);
        rec.action = rows.column_text(4);
        rec.target = rows.column_text(5);
        rec.result = rows.column_text(6);
        rec.detail = rows.column_text(7);  // hashed as stored text
        if (prev != expected_prev) {
            fail(id, "row " + std::to_string(id) +
                         " does not follow the row before it (a row was deleted or altered before it)");
        } else if (audit_row_hash(prev, rec) != stored) {
            fail(id, "row " + std::to_string(id) + " does not match its hash (its content was altered)");
        }
        hashes[id] = stored;
        expected_prev = stored;
    }
    std::ifstream in(checkpoint_file);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::int64_t id = 0;
        std::string hash;
        if (!(fields >> id >> hash)) continue;
        ++r.checkpoints;
        if (first_id != 0 && id < first_id) continue;  // pruned by retention since
        auto it = hashes.find(id);
        if (it == hashes.end()) {
            fail(id, "row " + std::to_string(id) + " is listed in the checkpoint file " + checkpoint_file.string() +
                         " but missing from the database (rows deleted from the end?)");
        } else if (it->second != hash) {
            fail(id, "row " + std::to_string(id) + " differs from its checkpoint (the chain was rewritten)");
        }
    }
    return r;
}

}  // namespace hearth
