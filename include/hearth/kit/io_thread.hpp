// The one thread of a toolkit driver: an asio::io_context and the thread that runs it.
//
// Every toolkit driver instance owns exactly one io_thread. The host's entries (start, commands,
// refresh, stop) are run on it with call(), and every socket, timer and HTTP completion of the
// driver runs on it too, so driver code is single-threaded and needs no locks.
#pragma once

#include <utility>  // before Boost.Asio (GCC 12 + Boost 1.74)

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <future>
#include <string>
#include <thread>
#include <type_traits>

namespace hearth::kit {

namespace asio = boost::asio;

/// An io_context with one thread running it from construction until stop_and_join().
/// Exceptions escaping a completion handler are passed to `on_handler_error` (on the io thread)
/// and the loop keeps running.
class io_thread {
public:
    using error_sink = std::function<void(const std::string& what)>;

    /// Starts the thread. `on_handler_error` must not throw.
    explicit io_thread(error_sink on_handler_error);
    io_thread(const io_thread&) = delete;
    io_thread& operator=(const io_thread&) = delete;
    /// Stops and joins (if not done yet); pending handlers are destroyed without running.
    ~io_thread();

    [[nodiscard]] asio::io_context& context() noexcept { return io_; }

    /// True on the io thread itself.
    [[nodiscard]] bool on_this_thread() const noexcept { return std::this_thread::get_id() == thread_.get_id(); }

    /// Runs `fn` on the io thread and waits for its result; rethrows what `fn` threw.
    /// Called on the io thread itself it runs `fn` directly. Not after stop_and_join().
    template <class Fn>
    auto call(Fn&& fn) -> std::invoke_result_t<Fn&> {
        using result = std::invoke_result_t<Fn&>;
        if (on_this_thread()) return fn();
        std::packaged_task<result()> task(std::forward<Fn>(fn));
        auto done = task.get_future();
        asio::post(io_, [&task] { task(); });
        return done.get();
    }

    /// Stops the loop after the handler now running and joins the thread. Idempotent; not on
    /// the io thread.
    void stop_and_join();

private:
    void run() noexcept;

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    error_sink on_handler_error_;
    std::thread thread_;
};

}  // namespace hearth::kit
