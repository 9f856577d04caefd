#pragma once
// Lines of a file descriptor through one fixed buffer: memory is the buffer, whatever the size
// of the input. A line ends at "\n"; a "\r" before it, a UTF-8 byte order mark at the start of
// the input and the missing "\n" of a last line are all accepted.

#include <cstddef>
#include <memory>
#include <span>

namespace wtf::sources::detail {

class csv_lines {
public:
    enum class status {
        line,     // `line` holds the next line, without its terminator
        too_long, // line number() does not fit in the buffer; it has been skipped
        end,      // no more input
        error,    // read(2) failed; errno is error()
    };

    // Reads `fd` (not owned) through a buffer of `capacity` bytes, the longest line it returns.
    csv_lines(int fd, std::size_t capacity);

    // The line's bytes stay valid and writable (quoted fields are unescaped in place) until the
    // next call.
    status next(std::span<char>& line);

    std::size_t number() const noexcept { return number_; } // 1-based, of the last line
    int error() const noexcept { return error_; }
    std::size_t capacity() const noexcept { return capacity_; }

private:
    // Moves the unread bytes to the front and reads more: false at the end of input or on
    // an error.
    bool fill();

    int fd_;
    std::size_t capacity_;
    std::unique_ptr<char[]> buffer_;
    std::size_t begin_ = 0; // unread bytes are [begin_, end_)
    std::size_t end_ = 0;
    std::size_t number_ = 0;
    bool eof_ = false;
    bool skipping_ = false; // inside a line too long for the buffer
    int error_ = 0;
};

} // namespace wtf::sources::detail
