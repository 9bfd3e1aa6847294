// Lock PIN configuration warnings (see lock_warnings.hpp).
#include "app/lock_warnings.hpp"

#include "store/sqlite.hpp"

#include <filesystem>
#include <set>
#include <utility>

namespace hearth {

std::vector<std::string> lock_pin_warnings(const config& cfg) {
    std::set<std::string> ids;
    for (const auto& [id, s] : cfg.locks) ids.insert(id);
    std::error_code ec;
    if (std::filesystem::exists(cfg.database.path, ec)) {
        try {
            auto db = sqlite::db::open(cfg.database.path, true);
            db.exec("PRAGMA busy_timeout = 1000");
            auto st = db.prepare("SELECT id FROM devices WHERE json_extract(descriptor, '$.type') = 'lock'");
            while (st.step()) ids.insert(st.column_text(0));
        } catch (const std::exception&) {  // no database yet, or not ours: the config's locks only
        }
    }
    std::vector<std::string> out;
    for (const auto& id : ids) {
        auto it = cfg.locks.find(id);
        const bool has_pin = it != cfg.locks.end() && !it->second.pin_hash.empty();
        const bool none = it != cfg.locks.end() && it->second.pin_none;
        if (none) {
            out.push_back("lock '" + id +
                          "' has \"pin\": \"none\": anyone who may publish on its /set topic can unlock it");
        } else if (!has_pin) {
            std::string warning = "lock '" + id + "' has no PIN (locks.";
            warning += id;
            warning += ".pin_hash): remote unlock is refused until one is configured, or \"pin\": \"none\"";
            out.push_back(std::move(warning));
        }
    }
    return out;
}

}  // namespace hearth
