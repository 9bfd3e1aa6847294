// One background thread for database reads that may take long (bridge `history` queries), so the
// event loop never waits on them. Jobs run in order; at most `max_pending` wait, further ones are
// refused (the caller answers "busy"). A job posts its own result back to the loop.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace hearth {

class query_worker {
public:
    explicit query_worker(std::size_t max_pending = 4) : max_pending_(max_pending) {}
    /// stop()s.
    ~query_worker();
    query_worker(const query_worker&) = delete;
    query_worker& operator=(const query_worker&) = delete;

    /// Queues `job` (the thread starts on first use). False when max_pending jobs wait already
    /// or after stop().
    bool submit(std::function<void()> job);

    /// Lets the running job finish, drops the waiting ones, joins the thread. Idempotent.
    void stop();

private:
    void run();

    std::size_t max_pending_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> jobs_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace hearth
