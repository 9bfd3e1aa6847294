// probe_plugin: load a plugin in a confined child and report what it declares (see plugin_probe.hpp).
#include "plugin/plugin_probe.hpp"

#include "plugin/child_output.hpp"
#include "plugin/plugin_module.hpp"
#include "sandbox/grants.hpp"
#include "sandbox/landlock.hpp"
#include "sandbox/seccomp_filter.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>

namespace hearth {

using json = nlohmann::json;

namespace {

[[noreturn]] void answer_and_exit(int fd, const json& out) {
    const std::string text = out.dump(-1, ' ', false, json::error_handler_t::replace);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::_exit(0);
}

}  // namespace

json probe_plugin(const std::string& plugin_path, const std::string& plugin_name, std::chrono::milliseconds deadline,
                  int close_in_child) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return {{"error", "pipe: " + std::generic_category().message(errno)}};
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(p[0]);
        ::close(p[1]);
        return {{"error", "fork: " + std::generic_category().message(errno)}};
    }
    if (pid == 0) {  // single-threaded parent: a normal child
        ::close(p[0]);
        if (close_in_child >= 0) ::close(close_in_child);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        const sandbox::grants none;
        (void)sandbox::restrict_landlock(plugin_path, none);
        (void)sandbox::apply_seccomp(none);
        auto loaded = load_plugin(plugin_path, plugin_name);
        if (!loaded) answer_and_exit(p[1], {{"error", loaded.error()}});
        const auto& m = *loaded.value();
        answer_and_exit(
            p[1],
            {{"name", m.name}, {"version", m.version}, {"manifest", m.manifest}, {"config_schema", m.config_schema}});
    }
    ::close(p[1]);
    const child_output out = collect_child_output(p[0], pid, deadline, std::size_t{1024} * 1024);
    if (out.timed_out) {
        return {{"error", "loading the plugin to read its manifest did not finish within " +
                              std::to_string(deadline.count()) + " ms"}};
    }
    if (out.signal != 0) {
        return {{"error", "the plugin crashed while loading (killed by signal " + std::to_string(out.signal) + ")"}};
    }
    json answer = json::parse(out.text, nullptr, false);
    if (!answer.is_object()) return {{"error", "the plugin's loader child gave no answer"}};
    return answer;
}

}  // namespace hearth
