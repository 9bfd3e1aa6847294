// hearthctl audit verify (see audit_verify.hpp).
#include "ctl/audit_verify.hpp"

#include "core/config.hpp"
#include "store/audit_chain.hpp"
#include "store/sqlite.hpp"

#include <filesystem>
#include <ostream>

namespace hearth::ctl {

int run_audit_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] != "verify") {
        err << "hearthctl: usage: hearthctl audit verify [--db PATH] [--config FILE] [--checkpoints PATH]\n";
        return 2;
    }
    std::string db_path = "/var/lib/hearth/hearth.db";
    std::string checkpoints;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (i + 1 >= args.size() || (a != "--db" && a != "--config" && a != "--checkpoints")) {
            err << "hearthctl: audit verify: unexpected argument '" << a << "'\n";
            return 2;
        }
        const std::string& v = args[++i];
        if (a == "--db") {
            db_path = v;
        } else if (a == "--checkpoints") {
            checkpoints = v;
        } else {
            const auto cfg = load_config(v);
            if (!cfg) {
                for (const auto& e : cfg.error()) err << e.to_string() << "\n";
                return 2;
            }
            db_path = cfg->database.path;
        }
    }
    if (checkpoints.empty()) checkpoints = db_path + ".audit-checkpoints";
    if (!std::filesystem::exists(db_path)) {
        err << "hearthctl: audit verify: " << db_path << ": no such database\n";
        return 2;
    }
    try {
        auto db = sqlite::db::open(db_path, true);
        db.exec("PRAGMA busy_timeout = 5000");
        if (db.query_int("PRAGMA user_version").value_or(0) < 6) {
            err << "hearthctl: audit verify: " << db_path << " predates the audit hash chain (schema < 6)\n";
            return 2;
        }
        const auto r = verify_audit_chain(db, checkpoints);
        if (!r.ok) {
            out << "audit chain BROKEN at row " << r.first_break << ": " << r.reason << "\n";
            return 1;
        }
        out << "audit chain intact: " << r.rows << " rows";
        if (r.legacy_rows > 0) out << " (+" << r.legacy_rows << " older rows from before the chain)";
        out << ", " << r.checkpoints << " checkpoints matched (" << checkpoints << ")\n";
        return 0;
    } catch (const std::exception& e) {
        err << "hearthctl: audit verify: " << db_path << ": " << e.what() << "\n";
        return 2;
    }
}

}  // namespace hearth::ctl
