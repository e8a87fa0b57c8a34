import { channelConformance } from '@smmbot/core/testing';
import { telegramFixture } from './fixture.js';

channelConformance('telegram (webhook route, fake Bot API)', async () => telegramFixture().fixture);
