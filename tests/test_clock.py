import datetime as dt

from bot.clock import JST, now, weekday_name


def test_now_is_japan_time():
    assert now().utcoffset() == dt.timedelta(hours=9)


def test_weekday_names_start_on_monday():
    monday = dt.date(2026, 11, 30)
    assert [weekday_name(monday + dt.timedelta(days=n)) for n in range(7)] == list("月火水木金土日")


def test_a_utc_evening_is_the_next_day_in_japan():
    assert dt.datetime(2026, 12, 1, 16, 0, tzinfo=dt.UTC).astimezone(JST).date() == dt.date(2026, 12, 2)
