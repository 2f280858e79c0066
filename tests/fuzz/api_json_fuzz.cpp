// libFuzzer target for the management API's JSON reader and writer
// (tools/lib/api): any bytes either parse within the bounds or are refused
// with a message; every token of a parsed document can be read back; and
// whatever bytes the writer escapes, its output is a JSON string the
// reader accepts (the writer never emits invalid JSON, whatever a guest
// names itself).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "tools/lib/api/json_reader.hpp"
#include "tools/lib/api/json_writer.hpp"

#include "tests/unit/fake_builder_hypervisor.hpp"

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size > 100000)
        return 0;
    static api::Json_doc doc;
    toolstack::Str in(reinterpret_cast<const char*>(data), static_cast<uint32_t>(size));
    buildtest::Counting_allocator mem;
    {
        if (doc.parse(in)) {
            check(doc.size() >= 1 && doc.size() <= api::Json_doc::max_tokens);
            check(doc.token(0).len <= in.n);
            for (uint32_t i = 0; i < doc.size(); ++i) {
                const api::Json_token& t = doc.token(i);
                check(t.at + t.len <= in.n && t.next > i && t.next <= doc.size());
                toolstack::Text s(mem.a);
                if (t.type == api::Json_type::string)
                    check(doc.string(i, s));
                uint64_t v = 0;
                (void)doc.u64(i, ~0ull, v);
                bool b = false;
                (void)doc.boolean(i, b);
                uint32_t m = 0;
                (void)doc.member(i, "config", m);
                (void)doc.item(i, 0, m);
            }
        } else {
            check(doc.error()[0] != '\0');
        }
        // The writer's strings always parse.
        toolstack::Text out(mem.a);
        api::Json_writer j(out);
        j.begin_array().string(in.prefix(10000)).end_array();
        check(j.ok());
        static api::Json_doc back;
        check(back.parse(out.str()));
        check(back.token(0).type == api::Json_type::array && back.token(0).count == 1);
    }
    check(mem.live == 0);
    return 0;
}
