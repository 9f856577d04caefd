#pragma once
// A fresh directory under the system's temporary directory, removed with everything in it when
// the object goes: for test files and for the servers tests start.

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <stdlib.h>

namespace wtf::test {

class temp_dir {
public:
    // "wtf-redis" makes /tmp/wtf-redis-XXXXXX. Throws std::runtime_error when it cannot.
    explicit temp_dir(std::string_view prefix)
    {
        auto pattern =
            (std::filesystem::temp_directory_path() / (std::string{prefix} + "-XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("cannot make a directory like " + pattern + ": " +
                                     std::strerror(errno));
        path_ = std::move(pattern);
    }
    ~temp_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    std::string const& path() const noexcept { return path_; }
    // path()/name
    std::string file(std::string_view name) const { return path_ + '/' + std::string{name}; }

private:
    std::string path_;
};

} // namespace wtf::test
