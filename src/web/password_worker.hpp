// A thread of its own for the slow password work (Argon2id, ~0.1–0.3 s each), so logins and
// `user/add` never stall hearthd's event loop. Bounded: at most `max_pending` jobs wait; more are
// refused (the caller answers "busy"). Results come back on the loop.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>

namespace hearth::web {

class password_worker {
public:
    explicit password_worker(boost::asio::io_context& loop, std::size_t max_pending = 4);
    /// Waits for the running job; jobs not started are dropped, their results never delivered.
    ~password_worker();
    password_worker(const password_worker&) = delete;
    password_worker& operator=(const password_worker&) = delete;

    /// Runs `job` on the worker thread; the function it returns then runs on the loop. False
    /// (nothing runs) when `max_pending` jobs are already waiting or running. Loop thread.
    bool post(std::function<std::function<void()>()> job);

private:
    boost::asio::io_context& loop_;
    std::size_t max_pending_;
    std::size_t pending_ = 0;  // loop thread only
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    boost::asio::thread_pool pool_{1};
};

}  // namespace hearth::web
