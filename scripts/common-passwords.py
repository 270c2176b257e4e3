# Regenerates src/Grains.Abstractions/Users/common-passwords.txt (python3 scripts/common-passwords.py).
# Builds src/Grains/Users/common-passwords.txt: well-known most-common passwords plus the
# predictable variants attackers try first (base word + common suffix, keyboard walks, sequences).
top = """123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football monkey
letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777 121212
000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger
sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars klaster 112233 george computer michelle
jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese
amanda summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor matrix
william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm hammer silver 222222 88888888 anthony justin
test bailey q1w2e3r4t5 patrick internet scooter orange 11111 golfer cookie richard samantha bigdog guitar jackson whatever
mickey chicken sparky snoopy maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey
steelers joseph mercedes dakota arsenal eagles melissa boomer booboo spider nascar monster tigers yellow xxxxxx 123123123
gateway marina diablo bulldog qwer1234 compaq purple hardcore banana junior hannah 123654 porsche lakers iceman money
cowboys 987654 london tennis 999999 ncc1701 coffee scooby 0000 miller boston q1w2e3r4 brandon yamaha chester mother forever
johnny edward 333333 oliver redsox player nikita knight fender barney midnight please brandy chicago badboy slayer rangers
charles angel flower rabbit wizard bigdick jasper enter rachel chris steven winner adidas victoria natasha 1q2w3e4r jasmine
winter prince panties marine ghbdtn fishing cocacola casper james 232323 raiders 888888 marlboro gandalf asdfasdf crystal
87654321 12344321 golden 8675309 dexter apple 1q2w3e4r5t qweasdzxc passw0rd password1 password123 password12 password1234
admin administrator root toor changeme change-me changeme123 letmein123 welcome1 welcome123 iloveyou1 iloveyou123
qwerty123 qwerty1234 qwerty12345 qwertyuiop123 abc12345 abcd1234 abcdef abcdefg abcdefgh abcdefghi abcdefghij
1234554321 0123456789 0987654321 9876543210 1122334455 1234512345 1111111111 2222222222 0000000000 1212121212 12341234
123412341234 zaq12wsx zaq1zaq1 1qazxsw2 1qaz2wsx3edc qazwsxedc qazwsxedcrfv 1q2w3e 1q2w3e4r5t6y 1q2w3e4r5t6y7u
asdfghjkl asdfghjkl123 zxcvbnm123 qwertyui qwertzuiop azertyuiop azerty azerty123 trustno1trustno1 football1 baseball1
superman1 batman123 princess1 sunshine1 monkey123 dragon123 master123 shadow123 michael1 jennifer1 jordan23 starwars1
letmeinnow opensesame secret123 secretpassword mypassword mypassword1 yourpassword thepassword passwordpassword
password! password1! p@ssw0rd p@ssword p@ssw0rd1 pa$$word pa55word pa55w0rd passw0rd1 password01 password99 password2020
password2021 password2022 password2023 password2024 password2025 password2026 welcome2024 welcome2025 welcome2026
summer2024 summer2025 summer2026 winter2024 winter2025 winter2026 spring2025 spring2026 autumn2025 autumn2026
company123 company2025 company2026 default default123 guest guest123 user user123 test123 test1234 testtest testing123
demo demo123 sample example example123 temp temp123 temporary temppassword newpassword newpassword1 oldpassword
helloworld hello123 hello1234 helloworld1 letmein1 access14 master1 killer123 iloveu loveyou lovely loveme loveme123
mustang1 ferrari1 porsche911 corvette1 harley1 yamaha1 ncc1701d babygirl babygirl1 princess123 angel123 jesus jesus1
jesuschrist christ blessed god godislove faith hope mother1 father family family123 freedom1 liberty america america1
usa123 canada london1 paris chelsea1 liverpool liverpool1 arsenal1 manchester manutd barcelona realmadrid juventus
pokemon pokemon1 naruto minecraft minecraft1 fortnite roblox roblox123 lol123 qwerty1 zxcvbnm1 asdf1234 asdf asdfg
asdfgh123 1234asdf qwer qwert qwert123 1qaz 1qaz2wsx3edc4rfv 147258369 159357 147258 258456 741852963 963852741
123456a 123456q a123456 q123456 123abc abc123456 a1b2c3 a1b2c3d4 a1b2c3d4e5 aa123456 aaaaaaaa aaaaaaaaaa zzzzzzzz
iloveyou2 11223344 1234567891 12345678910 123456789a 123456789q 12345qwert 12345qwerty 123qweasd 123qweasdzxc
qweasd qweasd123 qwe123 qwe123qwe 1qw23e 123321123 qazxsw qazxswedc 5201314 520520 woaini woaini1314 iloveyou!
monkey1 dragon1 shadow1 sunshine123 charlie1 hunter2 hunter12 trustme whatever1 nothing nopassword blank none
computer1 internet1 windows windows10 windows11 microsoft apple123 google google123 facebook linkedin twitter
spotify netflix amazon samsung1 iphone android linux ubuntu oracle mysql postgres mongodb redis admin1 admin12
admin123 admin1234 admin12345 administrator1 adminadmin root123 rootroot toor123 superuser supervisor manager
manager123 sysadmin system system123 server letmein! changeit changethis changemenow change_me change.me
crm crm123 crmadmin crm-admin crmchatbot chatbot chatbot123 orleans orleans123 support support123 sales sales123
office office123 business business1 work123 staff staff123 employee customer customer1 client client123 agent agent123
""".split()

bases = """password passw0rd p@ssw0rd pass admin administrator welcome letmein qwerty qwertyuiop iloveyou monkey
dragon master shadow sunshine princess football baseball superman batman trustno1 starwars michael jennifer jordan
charlie hunter freedom whatever computer internet secret summer winter spring autumn hello login abc abcd changeme
test guest user default root super love lovely angel jesus family mustang ferrari soccer hockey killer pepper
ginger cookie chocolate banana orange purple yellow silver golden diamond crystal matrix phoenix tigger buster
""".split()
suffixes = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "01", "007", "69", "99", "00",
            "2020", "2021", "2022", "2023", "2024", "2025", "2026", "@123", "#1", "_123", "-123", ".123"]

walks = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv", "1q2w3e4r5t6y7u8i9o0p", "qazwsxedcrfvtgb",
         "zaq12wsxcde3", "!qaz2wsx", "1qaz!qaz", "qwerasdfzxcv", "poiuytrewq", "lkjhgfdsa", "mnbvcxz",
         "0987654321", "1234567890", "12345678901", "123456789012", "1234567890123", "098765432", "0123456789"]

out = set(p.lower() for p in top)
for b in bases:
    for s in suffixes:
        out.add(b + s)
        out.add(b.capitalize().lower() + s)
for w in walks:
    for n in range(6, len(w) + 1):
        out.add(w[:n])
# Repeated characters and digit runs.
for c in "abcdefghijklmnopqrstuvwxyz0123456789":
    for n in range(6, 17):
        out.add(c * n)
for start in range(10):
    for n in range(6, 13):
        out.add("".join(str((start + i) % 10) for i in range(n)))
# Doubled short common words (passwordpassword, qwertyqwerty, ...).
for b in ["password", "qwerty", "abc123", "123456", "admin", "letmein", "monkey", "dragon", "asdf", "1234", "12345",
          "test", "pass", "love", "abc", "qwe", "123123", "iloveyou"]:
    out.add(b + b)
# Years and birth-date-like runs people pick.
for y in range(1950, 2031):
    out.add(f"password{y}")
    out.add(f"welcome{y}")
    out.add(f"summer{y}")
    out.add(f"qwerty{y}")
out = sorted(p for p in out if p and not any(ch.isspace() for ch in p))
header = ["# Common and predictable passwords, refused for every account (NIST SP 800-63B 'commonly used, expected",
          "# or compromised values'). One per line, compared case-insensitively; lines starting with # are comments.",
          "# Built from widely published most-common-password rankings plus the variants attackers try first",
          "# (common words with number/year/symbol suffixes, keyboard walks, digit runs, repeated characters).",
          "# Entries shorter than the minimum length (10) are refused by length anyway; they stay for completeness."]
open(__import__("os").path.join(__import__("os").path.dirname(__file__), "..", "src", "Grains.Abstractions", "Users", "common-passwords.txt"), "w").write("\n".join(header + out) + "\n")
print(len(out), sum(1 for p in out if len(p) >= 10))
