from tests.discord.fake_discord import BOT_ID

async def test_ready(live):
    fake, client = live
    print(fake.calls)
    print(fake.connections, fake.received[:3])
    mid = await fake.message(f"<@{BOT_ID}> Wie viele Firmen haben Probleme bei der Rekrutierung?", mentions=(BOT_ID,))
    calls = await fake.wait_call("POST", r"/channels/\d+/messages")
    print(calls[0].json)
