// The background WAL checkpointer (see checkpointer.hpp).
#include "store/checkpointer.hpp"

#include "store/sqlite.hpp"
#include "log/log.hpp"

#include <optional>

namespace hearth {

checkpointer::checkpointer(std::filesystem::path path, std::chrono::milliseconds interval)
    : path_(std::move(path)), interval_(interval), thread_([this] { run(); }) {}

checkpointer::~checkpointer() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void checkpointer::run() {
    std::optional<sqlite::db> conn;
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            if (!conn) {
                conn = sqlite::db::open(path_);
                conn->exec("PRAGMA busy_timeout = 1000");
            }
            conn->exec("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (const std::exception& e) {
            log::store().warn("database: background checkpoint failed (will retry): {}", e.what());
            conn.reset();
        }
        lock.lock();
    }
}

}  // namespace hearth
