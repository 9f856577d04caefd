// wtf_llm_stand_in: the LLM stand-in as a process, for end-to-end tests.
//   wtf_llm_stand_in --port-file FILE [--mode
//   normal|think|fail-once|malformed|slow|wrong-number|error-503|script|truncated]
//                    [--delay-ms N] [--key KEY] [--content TEXT] [--log FILE]
//                    [--script JSONL] [--n-ctx N] [--n-predict N]
//                    [--tls-cert PEM --tls-key PEM]
// --script serves the "content" of each line in turn (mode script); --n-ctx serves GET /props
// and truncates longer prompts as llama.cpp does; --n-predict is llama-server's -n.
// Writes its port to FILE once listening (atomically, via a rename), serves until SIGTERM or
// SIGINT, and appends one JSON line per request to the log: {"path", "authorization", "body"}.

#include "support/llm_stand_in.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace {

int usage(std::string_view problem)
{
    std::cerr << "wtf_llm_stand_in: " << problem << "\n"
              << "usage: wtf_llm_stand_in --port-file FILE [--mode MODE] [--delay-ms N] [--key KEY]"
                 " [--content TEXT] [--log FILE] [--script JSONL] [--n-ctx N] [--n-predict N]"
                 " [--tls-cert PEM --tls-key PEM]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    std::string port_file;
    std::string mode_name = "normal";
    std::string delay_ms;
    std::optional<std::string> key;
    std::optional<std::string> content;
    std::string log_file;
    std::string cert;
    std::string private_key;
    std::string script;
    std::string n_ctx;
    std::string n_predict;

    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (i + 1 >= argc) return usage("missing value for " + std::string(arg));
        std::string const value = argv[++i];
        if (arg == "--port-file")
            port_file = value;
        else if (arg == "--mode")
            mode_name = value;
        else if (arg == "--delay-ms")
            delay_ms = value;
        else if (arg == "--key")
            key = value;
        else if (arg == "--content")
            content = value;
        else if (arg == "--log")
            log_file = value;
        else if (arg == "--script")
            script = value;
        else if (arg == "--n-ctx")
            n_ctx = value;
        else if (arg == "--n-predict")
            n_predict = value;
        else if (arg == "--tls-cert")
            cert = value;
        else if (arg == "--tls-key")
            private_key = value;
        else
            return usage("unknown option " + std::string(arg));
    }
    if (port_file.empty()) return usage("--port-file is required");
    auto const mode = wtf::test::llm_mode_from(mode_name);
    if (!mode) return usage("unknown mode " + mode_name);
    if (cert.empty() != private_key.empty()) return usage("--tls-cert and --tls-key go together");

    try {
        boost::asio::io_context ioc;
        std::optional<wtf::test::llm_tls_files> tls;
        if (!cert.empty()) tls = wtf::test::llm_tls_files{cert, private_key};
        wtf::test::llm_stand_in server{ioc.get_executor(), tls};
        server.set_mode(*mode);
        if (!delay_ms.empty()) server.set_delay(std::chrono::milliseconds{std::stoll(delay_ms)});
        if (key) server.set_key(*key);
        if (content) server.set_content(*content);
        if (!log_file.empty()) server.set_log(log_file);
        if (!script.empty()) server.set_script(wtf::test::read_script(script));
        if (!n_ctx.empty()) server.set_context(std::stoul(n_ctx));
        if (!n_predict.empty()) server.set_predict_limit(std::stoul(n_predict));

        std::string const temporary = port_file + ".tmp";
        {
            std::ofstream out{temporary, std::ios::trunc};
            out << server.port() << '\n';
            if (!out.flush()) return usage("cannot write " + temporary);
        }
        if (std::rename(temporary.c_str(), port_file.c_str()) != 0)
            return usage("cannot rename " + temporary + " to " + port_file);

        boost::asio::signal_set signals{ioc, SIGTERM, SIGINT};
        auto const on_signal = [&](boost::system::error_code const&, int) {
            server.stop();
            ioc.stop();
        };
        signals.async_wait(on_signal);
        ioc.run();
        return 0;
    } catch (std::exception const& e) {
        std::cerr << "wtf_llm_stand_in: " << e.what() << '\n';
        return 1;
    }
}
