"""Rotating weekly hours: a rule may work every N weeks (1-8) counted from an anchor date's ISO week."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('scheduling', '0002_database_cascades'),
    ]

    operations = [
        migrations.AddField(
            model_name='schedulerule',
            name='repeat_anchor',
            field=models.DateField(blank=True, help_text='Every N > 1 weeks: counted from the week (Monday–Sunday) of this date.', null=True),
        ),
        migrations.AddField(
            model_name='schedulerule',
            name='repeat_every_weeks',
            field=models.PositiveSmallIntegerField(db_default=1, default=1, help_text='Works every N weeks (1–8); 1 is every week.'),
        ),
        migrations.AddConstraint(
            model_name='schedulerule',
            constraint=models.CheckConstraint(condition=models.Q(('repeat_every_weeks__gte', 1), ('repeat_every_weeks__lte', 8)), name='rule_repeat_every_weeks_range'),
        ),
        migrations.AddConstraint(
            model_name='schedulerule',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('repeat_anchor__isnull', True), ('repeat_every_weeks', 1)), models.Q(('repeat_anchor__isnull', False), ('repeat_every_weeks__gt', 1)), _connector='OR'), name='rule_repeat_anchor_iff_rota'),
        ),
    ]
