// The test dom0s' ramdisk archive (tests/guests/ramdisk_archive.hpp): the
// reader finds what mkarchive.py wrote and refuses what runs past the end.
#include "tests/guests/ramdisk_archive.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::vector<uint8_t> read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void put32(std::vector<uint8_t>& b, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// An archive of (name, data) pairs in the format mkarchive.py writes.
std::vector<uint8_t> archive_of(const std::vector<std::pair<std::string, std::string>>& files)
{
    std::vector<uint8_t> b = {'X', 'N', 'A', 'R', 'C', 'H', 'V', '1'};
    put32(b, static_cast<uint32_t>(files.size()));
    put32(b, 0);
    for (const auto& [name, data] : files) {
        put32(b, static_cast<uint32_t>(name.size()));
        put32(b, static_cast<uint32_t>(data.size()));
        for (const std::string& part : {name, data}) {
            b.insert(b.end(), part.begin(), part.end());
            while (b.size() % 4)
                b.push_back(0);
        }
    }
    return b;
}

TEST(RamdiskArchive, TheBuiltRamdiskHoldsHelloElfByteForByte)
{
    std::vector<uint8_t> ar = read_file(std::string(XENITH_GUEST_DIR) + "/domu_launch.ramdisk");
    std::vector<uint8_t> hello = read_file(std::string(XENITH_GUEST_DIR) + "/hello.elf");
    ASSERT_FALSE(hello.empty());
    archive::File f;
    ASSERT_TRUE(archive::find(ar.data(), ar.size(), "hello.elf", f));
    ASSERT_EQ(f.len, hello.size());
    EXPECT_EQ(std::vector<uint8_t>(f.data, f.data + f.len), hello);
}

TEST(RamdiskArchive, FindsEachFileByItsWholeName)
{
    std::vector<uint8_t> ar = archive_of({{"a", "one"}, {"ab", "two!"}, {"abc.elf", ""}});
    archive::File f;
    ASSERT_TRUE(archive::find(ar.data(), ar.size(), "ab", f));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(f.data), f.len), "two!");
    ASSERT_TRUE(archive::find(ar.data(), ar.size(), "abc.elf", f));
    EXPECT_EQ(f.len, 0u);
    EXPECT_FALSE(archive::find(ar.data(), ar.size(), "abc", f));
    EXPECT_FALSE(archive::find(ar.data(), ar.size(), "", f));
}

TEST(RamdiskArchive, RefusesBadMagicAndEveryTruncation)
{
    std::vector<uint8_t> ar = archive_of({{"x", "payload"}, {"y", "more"}});
    archive::File f;
    for (size_t n = 0; n < ar.size(); ++n)
        EXPECT_FALSE(archive::find(ar.data(), n, "y", f)) << n << " bytes";
    EXPECT_TRUE(archive::find(ar.data(), ar.size(), "y", f));
    ar[0] = 'Y';
    EXPECT_FALSE(archive::find(ar.data(), ar.size(), "y", f));
}

TEST(RamdiskArchive, RefusesLengthsPastTheEnd)
{
    std::vector<uint8_t> ar = archive_of({{"x", "payload"}});
    ar[20] = 0xFF; // data_len of the first file: far past the end
    archive::File f;
    EXPECT_FALSE(archive::find(ar.data(), ar.size(), "x", f));
    ar = archive_of({{"x", "payload"}});
    ar[16] = 0xF0; // name_len
    EXPECT_FALSE(archive::find(ar.data(), ar.size(), "x", f));
}

} // namespace
