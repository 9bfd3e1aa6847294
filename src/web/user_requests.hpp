// The bridge requests that manage web console accounts: `user/add`, `user/remove`, `users`
// (docs/web-console.md). hearthctl's `user` command sends them. Whoever can publish to
// `<base>/bridge/request/#` is an administrator of the console: the broker's ACL decides that
// (docs/security.md). Hashing runs on the password worker, never on the loop.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include "mqtt/bridge.hpp"
#include "store/store.hpp"
#include "web/password_worker.hpp"

#include <functional>
#include <string>

namespace hearth::web {

/// Registers user/add ({name, password, role = "resident", devices = [] for guests}),
/// user/remove ({name}; `removed` is told the name so its sessions end) and users (list, no
/// hashes) on `bridge`. `now_ms` stamps created_at. Everything must outlive the bridge's use.
void install_user_requests(mqtt::bridge& bridge, store& db, password_worker& hasher,
                           const std::function<std::int64_t()>& now_ms,
                           const std::function<void(const std::string&)>& removed);

}  // namespace hearth::web
