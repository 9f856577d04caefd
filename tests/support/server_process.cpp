#include "support/server_process.hpp"

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace wtf::test {

namespace {

[[noreturn]] void fail(std::string const& what, int error)
{
    throw std::runtime_error(what + ": " + std::strerror(error));
}

bool is_executable(std::string const& path) { return ::access(path.c_str(), X_OK) == 0; }

} // namespace

std::string find_executable(std::string_view name, std::string_view debian_package)
{
    if (char const* path = std::getenv("PATH")) {
        std::string_view rest{path};
        while (!rest.empty()) {
            auto const colon = rest.find(':');
            auto const dir = rest.substr(0, colon);
            rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
            if (dir.empty()) continue;
            auto candidate = std::string{dir} + "/" + std::string{name};
            if (is_executable(candidate)) return candidate;
        }
    }
    // An environment without PATH (env -i) still finds the Debian package's binary.
    auto fallback = "/usr/bin/" + std::string{name};
    if (is_executable(fallback)) return fallback;
    throw std::runtime_error(std::string{name} + " not found in PATH or /usr/bin (Debian: " +
                             "apt-get install " + std::string{debian_package} + ")");
}

// Bind to port 0 and the kernel picks a port nothing is bound to; read it back and close. A
// fixed port would collide with a developer's own server or with tests running in parallel.
// Another process may take the port before the server binds it; on loopback, in a test, that
// race is rare enough.
std::uint16_t free_loopback_port()
{
    int const s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) fail("free_loopback_port: socket", errno);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bool const ok = ::bind(s, reinterpret_cast<sockaddr const*>(&addr), sizeof addr) == 0 &&
                    ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    int const error = errno;
    ::close(s);
    if (!ok) fail("free_loopback_port: bind", error);
    return ntohs(addr.sin_port);
}

pid_t spawn_process(std::vector<std::string> const& argv, std::string const& log_path)
{
    std::vector<std::string> args{argv};
    std::vector<char*> c_argv;
    c_argv.reserve(args.size() + 1);
    for (auto& a : args) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);

    // Append, not truncate: redis-server appends its own --logfile to the same file, and a
    // restart must not cut the earlier run's lines.
    auto const& out = log_path.empty() ? std::string{"/dev/null"} : log_path;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid = -1;
    int const rc = ::posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) fail("posix_spawn " + args[0], rc);
    return pid;
}

bool exited(pid_t& pid) noexcept
{
    int status = 0;
    if (pid <= 0 || ::waitpid(pid, &status, WNOHANG) != pid) return false;
    pid = -1;
    return true;
}

void stop_process(pid_t& pid, std::chrono::milliseconds grace) noexcept
{
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    auto const deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        // Both servers exit within a few milliseconds of SIGTERM; poll finely so tests that
        // stop and restart a server stay fast.
        std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
    pid = -1;
}

} // namespace wtf::test
