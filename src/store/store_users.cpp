// store: the web console's accounts (docs/web-console.md): add, remove and list rows of
// web_users. Hashing and roles are the web layer's; the store only keeps the rows.
#include "store/store.hpp"

namespace hearth {

bool store::add_web_user(const web_user_record& user) {
    sqlite::transaction tx(db_);
    cached(
        "INSERT INTO web_users (name, role, password_hash, devices, created_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (name) DO NOTHING")
        .bind_all(user.name, user.role, user.password_hash, nlohmann::json(user.devices).dump(), user.created_at)
        .run();
    const bool added = db_.changes() > 0;
    tx.commit();
    return added;
}

bool store::remove_web_user(const std::string& name) {
    sqlite::transaction tx(db_);
    cached("DELETE FROM web_users WHERE name = ?1").bind_all(name).run();
    const bool removed = db_.changes() > 0;
    tx.commit();
    return removed;
}

std::vector<web_user_record> store::load_web_users() {
    auto stmt = db_.prepare("SELECT name, role, password_hash, devices, created_at FROM web_users ORDER BY name");
    std::vector<web_user_record> out;
    while (stmt.step()) {
        web_user_record u{stmt.column_text(0), stmt.column_text(1), stmt.column_text(2), {}, stmt.column_int64(4)};
        const auto devices = nlohmann::json::parse(stmt.column_text(3), nullptr, false);
        if (devices.is_array()) {
            for (const auto& d : devices) {
                if (d.is_string()) u.devices.push_back(d.get<std::string>());
            }
        }
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace hearth
