// The xl.cfg reader (tools/lib/config): xl's syntax, keys, defaults and
// messages, command-line overrides, hostile input, and running out of
// memory at every allocation.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tools/lib/config/xl_config.hpp"

namespace {

// malloc with accounting; the allocation numbered fail_at (from 0) fails.
struct Counting_allocator {
    size_t live_blocks = 0;
    size_t live_bytes = 0;
    size_t peak_bytes = 0;
    long allocations = 0;
    long fail_at = -1;

    static void* alloc(void* ctx, size_t n)
    {
        auto* self = static_cast<Counting_allocator*>(ctx);
        if (self->allocations++ == self->fail_at)
            return nullptr;
        void* p = std::malloc(n ? n : 1);
        std::memset(p, 0xA5, n);
        ++self->live_blocks;
        self->live_bytes += n;
        if (self->live_bytes > self->peak_bytes)
            self->peak_bytes = self->live_bytes;
        return p;
    }
    static void release(void* ctx, void* p, size_t n)
    {
        auto* self = static_cast<Counting_allocator*>(ctx);
        --self->live_blocks;
        self->live_bytes -= n;
        std::free(p);
    }
    toolstack::Allocator allocator() { return toolstack::Allocator{alloc, release, this}; }
};

const std::string base = "name = \"vm\"\nkernel = \"/boot/vmlinuz\"\n";

class Xl {
public:
    Counting_allocator mem;
    toolstack::Allocator alloc = mem.allocator();
    std::unique_ptr<cfg::Domain_config> owned = std::make_unique<cfg::Domain_config>(alloc);
    cfg::Domain_config& c = *owned;
    cfg::Diagnostics d;

    // Destroys c: what it held goes back to mem.
    void drop() { owned.reset(); }

    bool parse(const std::string& text, const std::vector<std::string>& overrides = {})
    {
        std::vector<toolstack::Str> ov;
        for (const std::string& o : overrides)
            ov.emplace_back(o.data(), static_cast<uint32_t>(o.size()));
        cfg::Config_input in;
        in.source = "t.cfg";
        in.data = toolstack::Str(text.data(), static_cast<uint32_t>(text.size()));
        in.overrides = ov.data();
        in.n_overrides = static_cast<uint32_t>(ov.size());
        d = cfg::Diagnostics();
        return cfg::parse_xl_config(alloc, in, c, d);
    }
    std::string error() const { return d.error; }
    std::string warnings() const
    {
        std::string all;
        for (uint32_t i = 0; i < d.n_warnings; ++i)
            all += std::string(d.warnings[i]) + "\n";
        return all;
    }
    std::string cmdline()
    {
        toolstack::Text t(alloc);
        EXPECT_TRUE(cfg::kernel_cmdline(c, t));
        return std::string(t.data(), t.size());
    }
    static std::string str(const toolstack::Text& t) { return std::string(t.data(), t.size()); }
};

// The error of text; "" if it parsed.
std::string error_of(const std::string& text)
{
    Xl x;
    return x.parse(text) ? "" : x.error();
}

// --- syntax ---------------------------------------------------------------

TEST(XlConfigSyntax, GivenNameAndKernelOnlyWhenParsedThenXlDefaults)
{
    Xl x;
    ASSERT_TRUE(x.parse(base)) << x.error();
    EXPECT_EQ(Xl::str(x.c.name), "vm");
    EXPECT_EQ(Xl::str(x.c.kernel), "/boot/vmlinuz");
    EXPECT_FALSE(x.c.ramdisk.set);
    EXPECT_EQ(x.c.memory_mib, 32u); // libxl__domain_build_info_setdefault
    EXPECT_EQ(x.c.max_memory_mib, 32u);
    EXPECT_EQ(x.c.memory_kib(), 32u * 1024);
    EXPECT_EQ(x.c.vcpus, 1u);
    EXPECT_EQ(x.c.max_vcpus, 1u);
    EXPECT_EQ(x.c.cpus.n, 0u);
    EXPECT_EQ(x.c.cpu_weight, 256u);
    EXPECT_EQ(x.c.cap, 0u);
    EXPECT_EQ(x.c.on_poweroff, cfg::Action::destroy);
    EXPECT_EQ(x.c.on_reboot, cfg::Action::restart);
    EXPECT_EQ(x.c.on_watchdog, cfg::Action::destroy);
    EXPECT_EQ(x.c.on_crash, cfg::Action::destroy);
    EXPECT_EQ(x.c.on_soft_reset, cfg::Action::soft_reset);
    EXPECT_FALSE(x.c.uuid_set);
    EXPECT_EQ(x.cmdline(), "");
    EXPECT_EQ(x.d.n_warnings, 0u);
}

TEST(XlConfigSyntax, GivenBothQuotesAndEveryEscapeWhenParsedThenTheBytesTheyStandFor)
{
    Xl x;
    ASSERT_TRUE(x.parse(base +
                        "extra = 'a\\\"b\\'c\\\\d\\ne\\tf\\x41\\x7a\\101\\7\\a\\b\\f\\r\\v'\n"
                        "root = \"it's \\\"q\\\"\"\n"))
        << x.error();
    EXPECT_EQ(Xl::str(x.c.extra.value), "a\"b'c\\d\ne\tfAzA\7\a\b\f\r\v");
    EXPECT_EQ(Xl::str(x.c.root.value), "it's \"q\"");
}

TEST(XlConfigSyntax, GivenBadEscapesWhenParsedThenXlsLexicalMessagesWithTheLine)
{
    EXPECT_EQ(error_of(base + "extra = \"a\\qb\"\n"),
              "t.cfg:3: config parsing error near `\"a\\qb\"': invalid character after backlash "
              "in quoted string");
    EXPECT_EQ(error_of(base + "\nextra = \"\\x4\"\n"),
              "t.cfg:4: config parsing error near `\"\\x4\"': invalid digit after backslash hex "
              "numerical character escape in quoted string");
    EXPECT_EQ(error_of(base + "extra = '\\777'\n"),
              "t.cfg:3: config parsing error near `'\\777'': invalid digit after backslash octal "
              "numerical character escape in quoted string");
    EXPECT_EQ(error_of(base + "extra = 'a\\x00b'\n"),
              "t.cfg:3: config parsing error near `'a\\x00b'': escape makes a NUL byte in quoted "
              "string");
    EXPECT_EQ(error_of(base + "extra = '\\0'\n"),
              "t.cfg:3: config parsing error near `'\\0'': escape makes a NUL byte in quoted "
              "string");
}

TEST(XlConfigSyntax, GivenCommentsBlankLinesAndSemicolonsWhenParsedThenSettingsBetweenThem)
{
    Xl x;
    ASSERT_TRUE(x.parse("# a domain\n\n  name=\"vm\" ; kernel = 'k' # boot this\n"
                        "\t\n;;memory=64;vcpus=2\n# last line, no newline"))
        << x.error();
    EXPECT_EQ(Xl::str(x.c.kernel), "k");
    EXPECT_EQ(x.c.memory_mib, 64u);
    EXPECT_EQ(x.c.vcpus, 2u);
}

TEST(XlConfigSyntax, GivenCrLfLinesWhenParsedThenAsLf)
{
    Xl x;
    ASSERT_TRUE(x.parse("name = \"vm\"\r\nkernel = \"k\" # c\r\nmemory = 48\r\n")) << x.error();
    EXPECT_EQ(x.c.memory_mib, 48u);
    EXPECT_EQ(error_of("name = \"vm\"\r kernel = \"k\"\n"),
              "t.cfg:1: config parsing error near `\\x0d': lexical error");
}

TEST(XlConfigSyntax, GivenAListOverSeveralLinesWithCommentsAndTrailingCommaWhenParsedThenEveryItem)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "maxvcpus = 4\ncpus = [\n  \"0\", # first\n\n  '1-2' ,\n"
                               "  3,\n]\nmemory = 64\n"))
        << x.error();
    ASSERT_EQ(x.c.cpus.n, 3u);
    EXPECT_EQ(x.c.cpus.mask[0], 0x1u);
    EXPECT_EQ(x.c.cpus.mask[1], 0x6u);
    EXPECT_EQ(x.c.cpus.mask[2], 0x8u);
    EXPECT_EQ(x.c.memory_mib, 64u);
}

TEST(XlConfigSyntax, GivenAnEmptyListOrNestedListsWhenParsedThenAccepted)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "cpus = [ ]\nfoo = [ [ 'a', [1] ], [], 'b' ]\n")) << x.error();
    EXPECT_EQ(x.c.cpus.n, 0u);
}

TEST(XlConfigSyntax, GivenAKeySetTwiceWhenParsedThenTheLaterWins)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "memory = 64\nmemory = 96\nkernel = \"k2\"\n")) << x.error();
    EXPECT_EQ(x.c.memory_mib, 96u);
    EXPECT_EQ(Xl::str(x.c.kernel), "k2");
}

TEST(XlConfigSyntax, GivenPlusEqualsWhenParsedThenStringsAndListsAppend)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "extra = \"console=hvc0\"\nextra += \" quiet\"\nextra += ''\n"
                               "maxvcpus = 3\ncpus = [\"0\"]\ncpus += [\"1\", \"2\"]\n"
                               "root += \"/dev/xvda\"\n"))
        << x.error();
    EXPECT_EQ(Xl::str(x.c.extra.value), "console=hvc0 quiet");
    ASSERT_EQ(x.c.cpus.n, 3u);
    EXPECT_EQ(x.c.cpus.mask[2], 0x4u);
    // += with no earlier setting is a plain assignment.
    EXPECT_EQ(Xl::str(x.c.root.value), "/dev/xvda");
}

TEST(XlConfigSyntax, GivenPlusEqualsOfListOntoStringWhenParsedThenXlsError)
{
    EXPECT_EQ(error_of(base + "extra = 'a'\nextra += ['b']\n"),
              "t.cfg:4: config parsing error near `extra': can't add [list] to \"string\" or vice "
              "versa");
}

TEST(XlConfigSyntax, GivenPlusEqualsOnANumberKeyWhenParsedThenRefusedNamingTheKey)
{
    EXPECT_EQ(error_of(base + "memory = 64\nmemory += 1\n"),
              "t.cfg:4: can't use += with numbers for parameter `memory'");
}

TEST(XlConfigSyntax, GivenSyntaxErrorsWhenParsedThenXlsMessageWithTheTokenAndLine)
{
    EXPECT_EQ(error_of("name \"vm\"\n"), "t.cfg:1: config parsing error near `\"vm\"': syntax "
                                         "error, unexpected STRING, expecting '=' or \"+=\"");
    EXPECT_EQ(error_of(base + "type = pv\n"),
              "t.cfg:3: config parsing error near `pv': syntax error, unexpected IDENT, "
              "expecting STRING or NUMBER or '['");
    EXPECT_EQ(error_of(base + "memory =\n"),
              "t.cfg:3: config parsing error near <newline>: syntax error, unexpected NEWLINE, "
              "expecting STRING or NUMBER or '['");
    EXPECT_EQ(error_of(base + "memory = # none\n"),
              "t.cfg:3: config parsing error near `# none': syntax error, unexpected NEWLINE, "
              "expecting STRING or NUMBER or '['");
    EXPECT_EQ(error_of("\n\n= 3\n"),
              "t.cfg:3: config parsing error near `=': syntax error, unexpected '='");
    EXPECT_EQ(error_of(base + "cpus = [ \"1\"\n \"2\" ]\n"),
              "t.cfg:4: config parsing error near `\"2\"': syntax error, unexpected STRING, "
              "expecting ',' or ']'");
    EXPECT_EQ(error_of(base + "cpus = [ \"1\",\n"),
              "t.cfg:4: config parsing error near <end of file>: syntax error, unexpected end "
              "of file, expecting STRING or NUMBER or '['");
    EXPECT_EQ(error_of(base + "name = \"vm\" \"x\"\n"),
              "t.cfg:3: config parsing error near `\"x\"': syntax error, unexpected STRING, "
              "expecting NEWLINE or ';'");
    EXPECT_EQ(error_of(base + "cpus = [ , ]\n"),
              "t.cfg:3: config parsing error near `,': syntax error, unexpected ',', expecting "
              "STRING or NUMBER or '['");
    EXPECT_EQ(error_of("name = \"vm\n\"\n"),
              "t.cfg:1: config parsing error near `\"vm': lexical error");
}

TEST(XlConfigSyntax, GivenPythonLookingTextWhenParsedThenLexicalErrorAndXlsPythonWarning)
{
    Xl x;
    EXPECT_FALSE(x.parse(base + "memory = 1.5\n"));
    EXPECT_EQ(x.error(), "t.cfg:3: config parsing error near `.5': lexical error");
    EXPECT_NE(x.warnings().find("looks like it contains Python code"), std::string::npos);
    EXPECT_EQ(x.d.status, cfg::Status::syntax_error);
}

TEST(XlConfigSyntax, GivenAnUppercaseOrDottedKeyWhenParsedThenAKeyLikeAnyOther)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "Foo_1.b = 1\n")) << x.error();
    EXPECT_EQ(x.warnings(),
              "t.cfg:3: warning: unknown key `Foo_1.b' ignored (xl ignores unknown keys "
              "silently)\n");
}

// --- numbers --------------------------------------------------------------

TEST(XlConfigNumbers, GivenStrtolFormsWhenReadThenDecimalHexOctalAndQuoted)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "memory = 0x100\nmaxmem = \" 512\"\nvcpus = 010\n")) << x.error();
    EXPECT_EQ(x.c.memory_mib, 256u);
    EXPECT_EQ(x.c.max_memory_mib, 512u);
    EXPECT_EQ(x.c.vcpus, 8u);
    ASSERT_TRUE(x.parse(base + "cap = \"+0x0\"\n")) << x.error();
}

TEST(XlConfigNumbers, GivenNotANumberWhenReadThenXlsMessageNamingTheKey)
{
    EXPECT_EQ(error_of(base + "memory = 12abc\n"),
              "t.cfg:3: parameter `memory' is not a valid number");
    EXPECT_EQ(error_of(base + "memory = 08\n"),
              "t.cfg:3: parameter `memory' is not a valid number");
    EXPECT_EQ(error_of(base + "memory = 0x\n"),
              "t.cfg:3: parameter `memory' is not a valid number");
    EXPECT_EQ(error_of(base + "memory = ''\n"),
              "t.cfg:3: parameter `memory' is not a valid number");
    EXPECT_EQ(error_of(base + "memory = [1]\n"),
              "t.cfg:3: parameter `memory' is a list but should be a single value");
    EXPECT_EQ(error_of(base + "memory = 99999999999999999999\n"),
              "t.cfg:3: parameter `memory' could not be parsed as a number: Numerical result out "
              "of range");
}

TEST(XlConfigNumbers, GivenAValueOutOfBoundsWhenReadThenTheBoundAndTheKey)
{
    EXPECT_EQ(error_of(base + "memory = 0\n"),
              "t.cfg:3: parameter `memory': value `0' is smaller than minimum bound '1'");
    EXPECT_EQ(error_of(base + "memory = \"-5\"\n"),
              "t.cfg:3: parameter `memory': value `-5' is smaller than minimum bound '1'");
    EXPECT_EQ(error_of(base + "maxmem = 4194304\n"),
              "t.cfg:3: parameter `maxmem': value `4194304' is greater than maximum bound "
              "'4194303'");
}

// --- keys -----------------------------------------------------------------

TEST(XlConfigKeys, GivenNoUsableNameWhenParsedThenRefused)
{
    EXPECT_EQ(error_of("kernel = 'k'\n"), "t.cfg: Domain name must be specified.");
    EXPECT_EQ(error_of("kernel = 'k'\nname = ''\n"), "t.cfg:2: Domain name must not be empty.");
    EXPECT_EQ(error_of("kernel = 'k'\nname = 42\n"),
              "t.cfg:2: Domain name `42' is all digits: xl would take it for a domain id.");
    EXPECT_EQ(error_of("kernel = 'k'\nname = ['a']\n"),
              "t.cfg:2: parameter `name' is a list but should be a single value");
    Xl x;
    ASSERT_TRUE(x.parse("kernel = 'k'\nname = 42a\n")) << x.error();
    EXPECT_EQ(Xl::str(x.c.name), "42a");
}

TEST(XlConfigKeys, GivenTypeWhenParsedThenOnlyPvAccepted)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "type = \"pv\"\n")) << x.error();
    ASSERT_TRUE(x.parse(base + "type = \"p\"\n")) << x.error(); // xl compares prefixes
    EXPECT_FALSE(x.parse(base + "type = \"hvm\"\n"));
    EXPECT_EQ(x.d.status, cfg::Status::unsupported);
    EXPECT_EQ(x.error(), "t.cfg:3: type \"hvm\" not supported: Xenith runs PV guests only");
    EXPECT_EQ(error_of(base + "type = \"pvh\"\n"),
              "t.cfg:3: type \"pvh\" not supported: Xenith runs PV guests only");
    EXPECT_EQ(error_of(base + "type = \"xen\"\n"), "t.cfg:3: Invalid domain type xen.");
}

TEST(XlConfigKeys, GivenTheOlderBuilderKeyWhenParsedThenItMustAgreeWithType)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "builder = \"generic\"\n")) << x.error();
    ASSERT_TRUE(x.parse(base + "type = 'pv'\nbuilder = \"generic\"\n")) << x.error();
    EXPECT_EQ(error_of(base + "builder = \"hvm\"\n"),
              "t.cfg:3: type \"hvm\" not supported: Xenith runs PV guests only");
    EXPECT_EQ(error_of(base + "type = 'pv'\nbuilder = \"hvm\"\n"),
              "t.cfg:4: Contradicting \"builder\" and \"type\" options specified.");
    EXPECT_EQ(error_of(base + "builder = \"linux\"\n"), "t.cfg:3: Invalid domain type linux.");
}

TEST(XlConfigKeys, GivenMemoryOrMaxmemAloneWhenParsedThenTheOtherFollowsIt)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "memory = 256\n")) << x.error();
    EXPECT_EQ(x.c.memory_mib, 256u);
    EXPECT_EQ(x.c.max_memory_mib, 256u);
    ASSERT_TRUE(x.parse(base + "maxmem = 512\n")) << x.error();
    EXPECT_EQ(x.c.memory_mib, 512u);
    EXPECT_EQ(x.c.max_memory_mib, 512u);
    ASSERT_TRUE(x.parse(base + "memory = 128\nmaxmem = 1024\n")) << x.error();
    EXPECT_EQ(x.c.memory_mib, 128u);
    EXPECT_EQ(x.c.max_memory_kib(), 1024u * 1024);
}

TEST(XlConfigKeys, GivenMaxmemBelowMemoryWhenParsedThenRefused)
{
    EXPECT_EQ(error_of(base + "memory = 128\nmaxmem = 64\n"),
              "t.cfg:4: maxmem (64) must be equal to or greater than memory (128)");
}

TEST(XlConfigKeys, GivenVcpusAndMaxvcpusWhenParsedThenXlsRules)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "vcpus = 4\n")) << x.error();
    EXPECT_EQ(x.c.vcpus, 4u);
    EXPECT_EQ(x.c.max_vcpus, 4u);
    ASSERT_TRUE(x.parse(base + "vcpus = 2\nmaxvcpus = 8\n")) << x.error();
    EXPECT_EQ(x.c.vcpus, 2u);
    EXPECT_EQ(x.c.max_vcpus, 8u);
    ASSERT_TRUE(x.parse(base + "vcpus = 3\nmaxvcpus = 0\n")) << x.error();
    EXPECT_EQ(x.c.max_vcpus, 3u);
    ASSERT_TRUE(x.parse(base + "vcpus = 0\n")) << x.error();
    EXPECT_EQ(x.c.vcpus, 1u);
    EXPECT_EQ(x.warnings(), "t.cfg:3: warning: vcpus `0' taken as 1, as xl does\n");
    EXPECT_EQ(error_of(base + "vcpus = 4\nmaxvcpus = 2\n"), "t.cfg:4: maxvcpus (2) < vcpus (4)");
    EXPECT_EQ(error_of(base + "vcpus = 33\n"),
              "t.cfg:3: parameter `vcpus': value `33' is greater than maximum bound '32'");
    EXPECT_EQ(error_of(base + "maxvcpus = -1\n"),
              "t.cfg:3: config parsing error near `-1': lexical error");
}

TEST(XlConfigKeys, GivenCpuWeightAndCapWhenParsedThenTheSchedulersRanges)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "cpu_weight = 512\ncap = 50\n")) << x.error();
    EXPECT_EQ(x.c.cpu_weight, 512u);
    EXPECT_EQ(x.c.cap, 50u);
    ASSERT_TRUE(x.parse(base + "maxvcpus = 4\ncap = 400\ncpu_weight = 65535\n")) << x.error();
    EXPECT_EQ(x.c.cap, 400u);
    EXPECT_EQ(error_of(base + "cpu_weight = 0\n"),
              "t.cfg:3: parameter `cpu_weight': value `0' is smaller than minimum bound '1'");
    EXPECT_EQ(error_of(base + "cpu_weight = 65536\n"),
              "t.cfg:3: parameter `cpu_weight': value `65536' is greater than maximum bound "
              "'65535'");
    EXPECT_EQ(error_of(base + "vcpus = 2\ncap = 201\n"),
              "t.cfg:4: parameter `cap': value `201' is greater than maximum bound '200'");
}

TEST(XlConfigKeys, GivenACpuStringWhenParsedThenEveryVcpuGetsItsMask)
{
    struct {
        const char* text;
        uint64_t mask;
    } const cases[] = {
        {"0-3,5", 0x2f},           {"0-3,5,^1", 0x2d},
        {"all", ~uint64_t{0}},     {"all,^7", ~uint64_t{0x80}},
        {"63", uint64_t{1} << 63}, {",2,,", 0x4},
        {"1, 3- 4", 0x1a},         {"^1,0-2", 0x7},
    };
    for (const auto& t : cases) {
        Xl x;
        ASSERT_TRUE(x.parse(base + "maxvcpus = 3\ncpus = \"" + t.text + "\"\n")) << x.error();
        ASSERT_EQ(x.c.cpus.n, 3u) << t.text;
        for (uint32_t v = 0; v < 3; ++v)
            EXPECT_EQ(x.c.cpus.mask[v], t.mask) << t.text;
    }
}

TEST(XlConfigKeys, GivenACpuListWhenParsedThenOneMaskPerVcpuUpToMaxvcpus)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "vcpus = 2\ncpus = [\"2\", \"3-8,^5\", \"9\"]\n")) << x.error();
    ASSERT_EQ(x.c.cpus.n, 2u); // items past maxvcpus are ignored, as xl does
    EXPECT_EQ(x.c.cpus.mask[0], 0x4u);
    EXPECT_EQ(x.c.cpus.mask[1], 0x1d8u);
    ASSERT_TRUE(x.parse(base + "vcpus = 3\ncpus = [\"1\", [\"2\"], \"x\"]\n")) << x.error();
    EXPECT_EQ(x.c.cpus.n, 1u); // read up to the first item that is not a string
}

TEST(XlConfigKeys, GivenBadCpuListsWhenParsedThenRefusedWithXlsWording)
{
    EXPECT_EQ(error_of(base + "cpus = \"3-1\"\n"), "t.cfg:3: cpus: Invalid pcpu range: 3-1.");
    EXPECT_EQ(error_of(base + "cpus = \"1,x\"\n"), "t.cfg:3: cpus: Invalid pcpu range: x.");
    EXPECT_EQ(error_of(base + "cpus = \"1-\"\n"), "t.cfg:3: cpus: Invalid pcpu range: 1-.");
    EXPECT_EQ(error_of(base + "cpus = \"^all\"\n"),
              "t.cfg:3: cpus: Can't combine \"^\" and \"all\".");
    EXPECT_EQ(error_of(base + "cpus = \"64\"\n"),
              "t.cfg:3: cpus: pcpu 64 out of range: Xenith supports CPUs 0-63.");
    EXPECT_EQ(error_of(base + "cpus = \"^1\"\n"), "t.cfg:3: cpus: `^1' selects no CPU.");
    EXPECT_EQ(error_of(base + "cpus = [\"1\", \"\"]\nvcpus = 2\n"),
              "t.cfg:3: cpus: `' selects no CPU.");
    Xl x;
    EXPECT_FALSE(x.parse(base + "cpus = \"nodes:0-3,^node:2\"\n"));
    EXPECT_EQ(x.d.status, cfg::Status::unsupported);
    EXPECT_EQ(x.error(), "t.cfg:3: cpus: NUMA nodes (nodes:0-3) not supported by Xenith.");
}

TEST(XlConfigKeys, GivenEachShutdownActionWhenParsedThenItsValue)
{
    const char* names[] = {"destroy",          "restart",          "rename-restart", "preserve",
                           "coredump-destroy", "coredump-restart", "soft-reset"};
    for (uint32_t i = 0; i < 7; ++i) {
        auto a = static_cast<cfg::Action>(i);
        EXPECT_EQ(std::string(cfg::action_name(a).p, cfg::action_name(a).n), names[i]);
        Xl x;
        std::string n = std::string("\"") + names[i] + "\"\n";
        ASSERT_TRUE(x.parse(base + "on_poweroff = " + n + "on_reboot = " + n +
                            "on_watchdog = " + n + "on_crash = " + n + "on_soft_reset = " + n))
            << x.error();
        EXPECT_EQ(x.c.on_poweroff, a);
        EXPECT_EQ(x.c.on_reboot, a);
        EXPECT_EQ(x.c.on_watchdog, a);
        EXPECT_EQ(x.c.on_crash, a);
        EXPECT_EQ(x.c.on_soft_reset, a);
    }
    EXPECT_EQ(error_of(base + "on_crash = \"reboot\"\n"),
              "t.cfg:3: Unknown on_crash action \"reboot\" specified");
}

TEST(XlConfigKeys, GivenAUuidWhenParsedThenItsSixteenBytesInOrder)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "uuid = \"00112233-4455-6677-8899-AaBbCcDdEeFf\"\n")) << x.error();
    ASSERT_TRUE(x.c.uuid_set);
    const uint8_t want[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                              0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
    EXPECT_EQ(std::memcmp(x.c.uuid, want, 16), 0);
    for (const char* bad :
         {"00112233-4455-6677-8899-aabbccddeef", "00112233-4455-6677-8899_aabbccddeeff",
          "0011223g-4455-6677-8899-aabbccddeeff", ""})
        EXPECT_EQ(error_of(base + "uuid = \"" + bad + "\"\n"),
                  std::string("t.cfg:3: Failed to parse UUID: ") + bad);
}

TEST(XlConfigKeys, GivenNoKernelWhenParsedThenRefused)
{
    EXPECT_EQ(error_of("name = 'vm'\n"),
              "t.cfg: kernel must be specified: Xenith boots PV kernels directly.");
    EXPECT_EQ(error_of("name = 'vm'\nkernel = ''\n"),
              "t.cfg:2: kernel must be specified: Xenith boots PV kernels directly.");
}

TEST(XlConfigKeys, GivenARamdiskWhenParsedThenKept)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "ramdisk = \"/boot/initrd\"\n")) << x.error();
    ASSERT_TRUE(x.c.ramdisk.set);
    EXPECT_EQ(Xl::str(x.c.ramdisk.value), "/boot/initrd");
}

TEST(XlConfigKeys, GivenRootAndExtraWhenAskedThenXlsCommandLine)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "root = \"/dev/xvda1 ro\"\nextra = \"console=hvc0\"\n"));
    EXPECT_EQ(x.cmdline(), "root=/dev/xvda1 ro console=hvc0");
    ASSERT_TRUE(x.parse(base + "root = \"/dev/xvda1\"\n"));
    EXPECT_EQ(x.cmdline(), "root=/dev/xvda1");
    ASSERT_TRUE(x.parse(base + "extra = \"quiet\"\n"));
    EXPECT_EQ(x.cmdline(), "quiet");
    ASSERT_TRUE(x.parse(base + "root = \"\"\n"));
    EXPECT_EQ(x.cmdline(), "root=");
    EXPECT_EQ(x.d.n_warnings, 0u);
}

TEST(XlConfigKeys, GivenCmdlineWhenAskedThenItAloneWithAWarningAboutRootAndExtra)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "cmdline = \"init=/bin/sh\"\n"));
    EXPECT_EQ(x.cmdline(), "init=/bin/sh");
    EXPECT_EQ(x.d.n_warnings, 0u);
    ASSERT_TRUE(x.parse(base + "root = 'r'\ncmdline = \"\"\nextra = 'e'\n"));
    EXPECT_EQ(x.cmdline(), "");
    EXPECT_EQ(x.warnings(), "t.cfg:4: warning: ignoring root= and extra= in favour of cmdline=\n");
}

TEST(XlConfigKeys, GivenUnknownAndLaterFeatureKeysWhenParsedThenWarnings)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "disk = [ 'phy:/dev/sda,xvda,w' ]\nvif = [ '' ]\nfrobnicate = 1\n"))
        << x.error();
    EXPECT_EQ(x.warnings(), "t.cfg:3: warning: `disk' not yet supported by Xenith: ignored\n"
                            "t.cfg:4: warning: `vif' not yet supported by Xenith: ignored\n"
                            "t.cfg:5: warning: unknown key `frobnicate' ignored (xl ignores "
                            "unknown keys silently)\n");
}

TEST(XlConfigKeys, GivenMoreWarningsThanFitWhenParsedThenTheRestCounted)
{
    std::string text = base;
    for (int i = 0; i < 20; ++i)
        text += "k" + std::to_string(i) + " = 1\n";
    Xl x;
    ASSERT_TRUE(x.parse(text)) << x.error();
    EXPECT_EQ(x.d.n_warnings, cfg::Diagnostics::max_warnings);
    EXPECT_EQ(x.d.warnings_dropped, 4u);
}

TEST(XlConfigKeys, GivenAConfigParsedAgainWhenTheSecondIsShorterThenNothingOfTheFirstRemains)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "memory = 64\nramdisk = 'r'\ncpus = '1'\nuuid = "
                               "'00112233-4455-6677-8899-aabbccddeeff'\non_crash = 'preserve'\n"));
    ASSERT_TRUE(x.parse("name = 'b'\nkernel = 'k'\n"));
    EXPECT_EQ(Xl::str(x.c.name), "b");
    EXPECT_EQ(x.c.memory_mib, 32u);
    EXPECT_FALSE(x.c.ramdisk.set);
    EXPECT_EQ(x.c.cpus.n, 0u);
    EXPECT_FALSE(x.c.uuid_set);
    EXPECT_EQ(x.c.on_crash, cfg::Action::destroy);
}

// --- command-line overrides -----------------------------------------------

TEST(XlConfigOverrides, GivenOverridesWhenParsedThenReadAfterTheFile)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "memory = 64\nextra = 'a'\n",
                        {"memory=128", "extra+=\" b\"", "vcpus=2", "name=\"other\""}))
        << x.error();
    EXPECT_EQ(x.c.memory_mib, 128u);
    EXPECT_EQ(Xl::str(x.c.extra.value), "a b");
    EXPECT_EQ(x.c.vcpus, 2u);
    EXPECT_EQ(Xl::str(x.c.name), "other");
}

TEST(XlConfigOverrides, GivenABadOverrideWhenParsedThenTheLineXlWouldName)
{
    // xl appends "\n", then each override and "\n", to the file.
    Xl x;
    EXPECT_FALSE(x.parse(base, {"memory=64", "vcpus=two"}));
    EXPECT_EQ(x.error(), "t.cfg:5: config parsing error near `two': syntax error, unexpected "
                         "IDENT, expecting STRING or NUMBER or '['");
    EXPECT_FALSE(x.parse("name = 'vm'\nkernel = 'k'", {"memory=0"}));
    EXPECT_EQ(x.error(),
              "t.cfg:3: parameter `memory': value `0' is smaller than minimum bound '1'");
}

TEST(XlConfigOverrides, GivenAnOverrideForAnUnknownKeyWhenParsedThenAWarningOnItsLine)
{
    Xl x;
    ASSERT_TRUE(x.parse(base, {"bogus=1"})) << x.error();
    EXPECT_EQ(x.warnings(),
              "t.cfg:4: warning: unknown key `bogus' ignored (xl ignores unknown keys silently)\n");
}

// --- hostile input --------------------------------------------------------

TEST(XlConfigHostile, GivenNulBytesWhenParsedThenLexicalErrors)
{
    EXPECT_EQ(error_of(base + std::string("memory = 1\0 2\n", 14)),
              "t.cfg:3: config parsing error near `\\x00': NUL byte in config file");
    EXPECT_EQ(error_of(base + std::string("extra = 'a\0b'\n", 14)),
              "t.cfg:3: config parsing error near `'a\\x00b'': NUL byte in quoted string");
}

TEST(XlConfigHostile, GivenOverlongStringsAndTokensWhenParsedThenTooLarge)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "extra = '" + std::string(4096, 'x') + "'\n")) << x.error();
    EXPECT_EQ(x.c.extra.value.size(), 4096u);
    EXPECT_FALSE(x.parse(base + "extra = '" + std::string(4097, 'x') + "'\n"));
    EXPECT_EQ(x.d.status, cfg::Status::too_large);
    EXPECT_EQ(x.error(), "t.cfg:3: config parsing error near `'" + std::string(39, 'x') +
                             "...': quoted string longer than 4096 bytes");
    EXPECT_FALSE(x.parse(base + "extra = '" + std::string(4000, 'x') + "'\nextra += '" +
                         std::string(97, 'y') + "'\n"));
    EXPECT_EQ(x.error(),
              "t.cfg:4: config parsing error near `extra': string longer than 4096 bytes after +=");
    EXPECT_FALSE(x.parse(base + std::string(257, 'k') + " = 1\n"));
    EXPECT_EQ(x.d.status, cfg::Status::too_large);
    EXPECT_FALSE(x.parse(base + "memory = " + std::string(300, '1') + "\n"));
    EXPECT_EQ(x.d.status, cfg::Status::too_large);
}

TEST(XlConfigHostile, GivenDeepOrUnbalancedBracketsWhenParsedThenCleanErrors)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "foo = " + std::string(8, '[') + std::string(8, ']') + "\n"))
        << x.error();
    EXPECT_FALSE(x.parse(base + "foo = " + std::string(9, '[') + std::string(9, ']') + "\n"));
    EXPECT_EQ(x.error(), "t.cfg:3: config parsing error near `[': lists nested more than 8 deep");
    EXPECT_FALSE(x.parse(base + "foo = " + std::string(500000, '[') + "\n"));
    EXPECT_EQ(x.d.status, cfg::Status::too_large);
    EXPECT_FALSE(x.parse(base + "foo = [[1]]]\n"));
    EXPECT_EQ(x.error(), "t.cfg:3: config parsing error near `]': syntax error, unexpected ']', "
                         "expecting NEWLINE or ';'");
    EXPECT_FALSE(x.parse(base + "foo = [[1]\n"));
    EXPECT_EQ(x.d.status, cfg::Status::syntax_error);
    EXPECT_FALSE(x.parse("]]]]\n"));
    EXPECT_EQ(x.d.status, cfg::Status::syntax_error);
}

TEST(XlConfigHostile, GivenLongListsWhenParsedThenAtMost256Items)
{
    auto list = [](int n) {
        std::string s = "foo = [";
        for (int i = 0; i < n; ++i)
            s += "1,";
        return s + "]\n";
    };
    Xl x;
    ASSERT_TRUE(x.parse(base + list(256))) << x.error();
    EXPECT_FALSE(x.parse(base + list(257)));
    EXPECT_EQ(x.error(), "t.cfg:3: config parsing error near `1': list of more than 256 items");
    std::string more = "cpus += [";
    for (int i = 0; i < 256; ++i)
        more += "'1',";
    EXPECT_FALSE(x.parse(base + "cpus = ['1']\n" + more + "]\n"));
    EXPECT_EQ(x.error(), "t.cfg:4: config parsing error near `cpus': list of more than 256 items "
                         "after +=");
}

TEST(XlConfigHostile, GivenAFileOfOneMebibyteWhenParsedThenReadAndOneByteMoreRefused)
{
    std::string text = base;
    std::string line = "# " + std::string(1021, 'c') + "\n";
    while (text.size() + line.size() <= cfg::max_input_bytes)
        text += line;
    text += std::string(cfg::max_input_bytes - text.size(), '\n');
    ASSERT_EQ(text.size(), cfg::max_input_bytes);
    Xl x;
    ASSERT_TRUE(x.parse(text)) << x.error();
    EXPECT_FALSE(x.parse(text + "\n"));
    EXPECT_EQ(x.d.status, cfg::Status::too_large);
    EXPECT_EQ(x.error(), "t.cfg: config too large: Xenith reads at most 1 MiB and 256 overrides");
    EXPECT_FALSE(x.parse(base, std::vector<std::string>(257, "memory=1")));
    EXPECT_EQ(x.d.status, cfg::Status::too_large);
}

TEST(XlConfigHostile, GivenAMebibyteOfSettingsWhenParsedThenMemoryStaysSmall)
{
    std::string text = base;
    while (text.size() < cfg::max_input_bytes - 64)
        text += "x=[1,'2',[3]];extra=\"abc\";cpus=[\"1\"]\n";
    Xl x;
    ASSERT_TRUE(x.parse(text)) << x.error();
    EXPECT_LT(x.mem.peak_bytes, 16u * 1024);
}

TEST(XlConfigHostile, GivenAHugeLineWhenParsedThenOneError)
{
    EXPECT_EQ(error_of(base + "extra = '" + std::string(1 << 19, 'z')),
              "t.cfg:3: config parsing error near `'" + std::string(39, 'z') +
                  "...': lexical error");
    EXPECT_EQ(error_of(base + std::string(1 << 19, '!')), "t.cfg:3: config parsing error near `" +
                                                              std::string(40, '!') +
                                                              "...': lexical error");
}

// --- memory ---------------------------------------------------------------

const std::string rich = base + "ramdisk = '/boot/initrd'\nroot = '/dev/xvda'\nextra = 'quiet'\n"
                                "extra += ' console=hvc0'\nmaxvcpus = 4\n"
                                "cpus = ['0', '1-3', '4', '5']\ncpus += ['6']\nfoo = [1, [2]]\n"
                                "cmdline = 'x'\n";

TEST(XlConfigMemory, GivenEachAllocationFailingInTurnWhenParsedThenOutOfMemoryAndNoLeak)
{
    long total;
    {
        Xl x;
        ASSERT_TRUE(x.parse(rich, {"memory=64"})) << x.error();
        total = x.mem.allocations;
    }
    ASSERT_GT(total, 10);
    for (long k = 0; k < total; ++k) {
        Xl x;
        x.mem.fail_at = k;
        EXPECT_FALSE(x.parse(rich, {"memory=64"})) << k;
        EXPECT_EQ(x.d.status, cfg::Status::out_of_memory) << k << ": " << x.error();
        x.drop();
        EXPECT_EQ(x.mem.live_blocks, 0u) << k;
        EXPECT_EQ(x.mem.live_bytes, 0u) << k;
    }
}

TEST(XlConfigMemory, GivenAParsedConfigWhenDestroyedThenEveryBlockBack)
{
    Xl x;
    ASSERT_TRUE(x.parse(rich)) << x.error();
    EXPECT_GT(x.mem.live_blocks, 0u);
    x.drop();
    EXPECT_EQ(x.mem.live_blocks, 0u);
    EXPECT_EQ(x.mem.live_bytes, 0u);
}

TEST(XlConfigMemory, GivenNoMemoryWhenTheCommandLineIsAskedThenFalse)
{
    Xl x;
    ASSERT_TRUE(x.parse(base + "root = 'r'\n"));
    toolstack::Text t(x.alloc);
    x.mem.fail_at = x.mem.allocations;
    EXPECT_FALSE(cfg::kernel_cmdline(x.c, t));
}

} // namespace
