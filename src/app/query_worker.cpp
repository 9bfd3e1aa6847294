// Background thread for long database reads (see query_worker.hpp).
#include "app/query_worker.hpp"

#include "log/log.hpp"

#include <exception>

namespace hearth {

query_worker::~query_worker() { stop(); }

bool query_worker::submit(std::function<void()> job) {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= max_pending_) return false;
    jobs_.push_back(std::move(job));
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    wake_.notify_one();
    return true;
}

void query_worker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs_.clear();
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void query_worker::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        try {
            job();
        } catch (const std::exception& e) {  // jobs catch their own errors; this is a backstop
            log::store().error("database query failed: {}", e.what());
        }
    }
}

}  // namespace hearth
